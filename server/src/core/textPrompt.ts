/**
 * Prompts sent as text (an OpenAI-compatible `/v1/completions`): the server tokenizes them with special-token
 * parsing on, so a file that spells `<|fim_middle|>`, `<|file_sep|>` or `<|endoftext|>` would become those tokens and
 * change the prompt's structure (a repository could forge Sweep's `.diff` blocks, or end the prompt early). Token
 * prompts (llama-server) are safe by construction: user text is tokenized with parsing off. Here, every spelling of
 * a special token in user text is broken by a zero-width space (U+200B) after its first character, and Hearth's own
 * tokens, which are segments of their own, are sent as they are.
 *
 * Why a zero-width space: it is invisible, means nothing in code, is common in web text (one token in the usual
 * vocabularies), is in no special token, and keeps the rest of the spelling as the model would read it as text
 * (`<`, ZWSP, `|fim_middle|>`), which is closest to what the token path shows it. A model that copies such a
 * spelling into its answer copies the space too: `restoreSpecialTokens` takes it out of the answer again.
 */
import { FIM_FAMILIES, type FimFamily } from "./fimFormats";
import { SWEEP_FILE_SEP, SWEEP_STOPS } from "./nextEdit/sweepPrompt";
import { REPOSITORY_TOKENS, type Segment } from "./repoContext";

/** The character inserted after a special token's first character. */
export const TOKEN_BREAK = "\u200B";

/**
 * Special tokens of the families around Hearth's, which a server may parse though Hearth never sends them: the rest
 * of StarCoder's vocabulary, Mistral's control tokens (Codestral), Llama's and Gemma's sequence and turn markers.
 */
const OTHER_SPELLINGS = [
  "<filename>",
  "<gh_stars>",
  "<reponame>",
  "<empty_output>",
  "<code_to_intermediate>",
  "<intermediate_to_code>",
  "<pr>",
  "<s>",
  "</s>",
  "<bos>",
  "<eos>",
  "<start_of_turn>",
  "<end_of_turn>",
  "[INST]",
  "[/INST]",
  "[MIDDLE]",
  "[TOOL_CALLS]",
  "[AVAILABLE_TOOLS]",
  "[/AVAILABLE_TOOLS]",
  "[TOOL_RESULTS]",
  "[/TOOL_RESULTS]",
  "[TOOL_CONTENT]",
  "[SYSTEM_PROMPT]",
  "[/SYSTEM_PROMPT]",
  "[THINK]",
  "[/THINK]",
  "[ARGS]",
  "[CALL_ID]",
  "[IMG]",
  "[IMG_BREAK]",
  "[IMG_END]",
];

/** Every spelling Hearth itself knows, from the formats it lays out. */
export const KNOWN_SPECIAL_SPELLINGS: readonly string[] = [
  ...new Set([
    ...FIM_FAMILIES.flatMap((family) => [
      family.prefix,
      family.suffix,
      ...(family.middle === undefined ? [] : [family.middle]),
      ...(family.marker === undefined ? [] : [family.marker]),
      ...family.stopTokens,
    ]),
    ...REPOSITORY_TOKENS,
    SWEEP_FILE_SEP,
    ...SWEEP_STOPS,
    ...OTHER_SPELLINGS,
  ]),
];

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * Each spelling as its first character and a pattern for the rest. Besides the known ones, the shapes servers'
 * special tokens take, since a server may have more than Hearth knows: `<|…|>` (Qwen, ChatML, Llama 3, Phi…),
 * DeepSeek's `<｜…｜>`, Seed-Coder's `<[…▁…]>` and `<[fim-…]>`, StarCoder's `<fim_…>` and metadata tags, Tekken's
 * `<SPECIAL_n>`. No whitespace inside, so F#'s `x <| f |> g` and Haskell's `<|>` are left alone; Rust's `<[u8]>` too.
 */
const SHAPES: ReadonlyArray<readonly [string, string]> = [
  ...KNOWN_SPECIAL_SPELLINGS.map((spelling) => [spelling[0], escaped(spelling.slice(1))] as const),
  ["<", String.raw`\|[^\s|<>]{1,64}\|>`],
  ["<", String.raw`｜[^\s｜<>]{1,64}｜>`],
  ["<", String.raw`\[[^\s[\]<>]{0,64}▁[^\s[\]<>]{0,64}\]>`],
  ["<", String.raw`\[fim-[a-z]{1,16}\]>`],
  ["<", "fim_[a-z]{1,16}>"],
  ["<", "(?:issue|jupyter|pr|commit)_[a-z_]{1,40}>"],
  ["<", String.raw`SPECIAL_\d{1,6}>`],
];

// Alternatives of bounded length with no nested repetition: linear on any document.
const SPECIAL_SOURCE = SHAPES.map(([first, rest]) => `${escaped(first)}(?:${rest})`).join("|");
const SPECIAL = new RegExp(SPECIAL_SOURCE, "g");
const HAS_SPECIAL = new RegExp(SPECIAL_SOURCE);
const BROKEN = new RegExp(SHAPES.map(([first, rest]) => `${escaped(first)}${TOKEN_BREAK}(?:${rest})`).join("|"), "g");

/** `text` with every special-token spelling broken, so a server that parses special tokens reads it as text. */
export function neutraliseSpecialTokens(text: string): string {
  let result = text;
  // One pass breaks every spelling it finds; a second catches one that began inside another (`<|<|x|>`).
  for (let pass = 0; pass < 4 && HAS_SPECIAL.test(result); pass++)
    result = result.replace(SPECIAL, (spelling) => `${spelling[0]}${TOKEN_BREAK}${spelling.slice(1)}`);
  return result;
}

/** The model's answer with the breaks it copied from the prompt taken out again: the user's text, as it was. */
export function restoreSpecialTokens(text: string): string {
  return text.includes(TOKEN_BREAK) ? text.replace(BROKEN, (broken) => `${broken[0]}${broken.slice(2)}`) : text;
}

/**
 * Segments as one text prompt: Hearth's special tokens as they are, each run of adjacent text joined first (so a
 * spelling split across two pieces is caught too) and neutralised.
 */
export function textPrompt(segments: readonly Segment[]): string {
  let prompt = "";
  let run = "";
  for (const segment of segments) {
    if ("special" in segment) {
      prompt += neutraliseSpecialTokens(run) + segment.special;
      run = "";
    } else run += segment.text;
  }
  return prompt + neutraliseSpecialTokens(run);
}

/** The FIM layout (see layoutFimText) as segments: the family's tokens special, the user's text as text. */
export function fimSegments(family: FimFamily, text: { prefix: string; suffix: string; linePrefix: string }): Segment[] {
  const prefix: Segment[] = [{ special: family.prefix }, { text: text.prefix }];
  const suffix: Segment[] = [{ special: family.suffix }, { text: text.suffix }];
  const ordered = family.order === "suffix-first" ? [...suffix, ...prefix] : [...prefix, ...suffix];
  return [...ordered, ...(family.middle === undefined ? [] : [{ special: family.middle }]), { text: text.linePrefix }];
}
