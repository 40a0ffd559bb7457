/**
 * Prompts sent as text (an OpenAI-compatible `/v1/completions`): the server tokenizes them with special-token
 * parsing on, so a file that spells `<|fim_middle|>`, `<|file_sep|>` or `<|endoftext|>` would become those tokens and
 * change the prompt's structure (a repository could forge Sweep's `.diff` blocks, or end the prompt early). Token
 * prompts (llama-server, the local engine) tokenize user text with parsing off, which keeps control tokens out, but
 * llama.cpp still matches user-defined tokens (Qwen's `<tool_call>`, gpt-oss's `<|start|>`): the local agent breaks
 * chat text with `neutraliseChatText` too (agentGeneration.ts). Here, every spelling of
 * a special token in user text is broken by a zero-width space (U+200B) after its first character, and Hearth's own
 * tokens, which are segments of their own, are sent as they are.
 *
 * Why a zero-width space: it is invisible, means nothing in code, is common in web text (one token in the usual
 * vocabularies), is in no special token, and keeps the rest of the spelling as the model would read it as text
 * (`<`, ZWSP, `|fim_middle|>`), which is closest to what the token path shows it. A model that copies such a
 * spelling into its answer copies the space too: `restoreSpecialTokens` takes it out of the answer again.
 *
 * Chat requests (`/v1/chat/completions`) are text too: llama-server and vLLM render the chat template over the
 * messages and tokenize the result with special-token parsing on, so `neutraliseChatText` breaks every message's
 * text, with the tags chat templates write as plain text (`<tool_call>`, `<think>`) besides.
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
  "<start_of_image>",
  "<end_of_image>",
  "[gMASK]",
  "<sop>",
  "<eop>",
];

/**
 * Tags chat templates write around turns, tool calls and thoughts that many vocabularies hold as plain text or as
 * tokens parsed even with special-token parsing off (llama.cpp's user-defined tokens, such as Qwen's `<tool_call>`):
 * in a message, a file that spells them could forge a tool call, its result or a thought. Broken in chat messages
 * only: in a FIM prompt they mean nothing.
 */
const CHAT_TAG_SPELLINGS = [
  "<think>",
  "</think>",
  "<tool_call>",
  "</tool_call>",
  "<tool_response>",
  "</tool_response>",
  "<tools>",
  "</tools>",
  // GLM-4.5 to 4.7's call arguments, `<tool_call>name<arg_key>k</arg_key><arg_value>v</arg_value></tool_call>`.
  "<arg_key>",
  "</arg_key>",
  "<arg_value>",
  "</arg_value>",
  "<<SYS>>",
  "<</SYS>>",
];

/** The special tokens of every FIM format Hearth lays out, and the repository tokens, as they are spelled. */
export const FIM_SPECIAL_SPELLINGS: readonly string[] = [
  ...new Set([
    ...FIM_FAMILIES.flatMap((family) => [
      family.prefix,
      family.suffix,
      ...(family.middle === undefined ? [] : [family.middle]),
      ...(family.marker === undefined ? [] : [family.marker]),
      ...family.stopTokens,
    ]),
    ...REPOSITORY_TOKENS,
  ]),
];

/** Every spelling Hearth itself knows, from the formats it lays out. */
export const KNOWN_SPECIAL_SPELLINGS: readonly string[] = [
  ...new Set([...FIM_SPECIAL_SPELLINGS, SWEEP_FILE_SEP, ...SWEEP_STOPS, ...OTHER_SPELLINGS]),
];

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

type Shape = readonly [first: string, rest: string];

const spelled = (spelling: string): Shape => [spelling[0], escaped(spelling.slice(1))];

/**
 * Each spelling as its first character and a pattern for the rest. Besides the known ones, the shapes servers'
 * special tokens take, since a server may have more than Hearth knows: `<|…|>` (Qwen, ChatML, Llama 3, Phi…),
 * Gemma 4's one-sided `<|turn>` and `<turn|>`, DeepSeek's `<｜…｜>`, Seed-Coder's `<[…▁…]>` and `<[fim-…]>`,
 * StarCoder's `<fim_…>` and metadata tags, Tekken's `<SPECIAL_n>`. No whitespace inside, so F#'s `x <| f |> g` and
 * Haskell's `<|>` are left alone; Rust's `<[u8]>` too. (A stream's restoring relies on that: see pendingBreak.)
 */
const SHAPES: readonly Shape[] = [
  ...KNOWN_SPECIAL_SPELLINGS.map(spelled),
  ["<", String.raw`\|[^\s|<>]{1,64}\|>`],
  ["<", String.raw`\|[a-z_]{1,32}>`],
  ["<", String.raw`[a-z_]{1,32}\|>`],
  ["<", String.raw`｜[^\s｜<>]{1,64}｜>`],
  ["<", String.raw`\[[^\s[\]<>]{0,64}▁[^\s[\]<>]{0,64}\]>`],
  ["<", String.raw`\[fim-[a-z]{1,16}\]>`],
  ["<", "fim_[a-z]{1,16}>"],
  ["<", "(?:issue|jupyter|pr|commit)_[a-z_]{1,40}>"],
  ["<", String.raw`SPECIAL_\d{1,6}>`],
];
const CHAT_SHAPES: readonly Shape[] = [...SHAPES, ...CHAT_TAG_SPELLINGS.map(spelled)];

/** The longest broken spelling any shape matches, break included: a stream holds back no more than this. */
const LONGEST_BROKEN = 2 + 64 + 1 + 64 + 2 + 1;

// Alternatives of bounded length with no nested repetition: linear on any document.
const alternatives = (shapes: readonly Shape[], between = "") =>
  shapes.map(([first, rest]) => `${escaped(first)}${between}(?:${rest})`).join("|");
const SPECIAL = new RegExp(alternatives(SHAPES), "g");
const CHAT_SPECIAL = new RegExp(alternatives(CHAT_SHAPES), "g");
const BROKEN = new RegExp(alternatives(CHAT_SHAPES, TOKEN_BREAK), "g");
const BROKEN_AT_START = new RegExp(`^(?:${alternatives(CHAT_SHAPES, TOKEN_BREAK)})`);
const FIRST_CHARACTERS = new Set(CHAT_SHAPES.map(([first]) => first));

/** `text` with every spelling `pattern` finds broken. */
function breakSpellings(text: string, pattern: RegExp): string {
  let result = text;
  // One pass breaks every spelling it finds; a second catches one that began inside another (`<|<|x|>`).
  for (let pass = 0; pass < 4; pass++) {
    const next = result.replace(pattern, (spelling) => `${spelling[0]}${TOKEN_BREAK}${spelling.slice(1)}`);
    if (next === result) break;
    result = next;
  }
  return result;
}

/** `text` with every special-token spelling broken, so a server that parses special tokens reads it as text. */
export function neutraliseSpecialTokens(text: string): string {
  return breakSpellings(text, SPECIAL);
}

/**
 * A chat message's text with every special-token spelling and every chat template's tag broken, so the server's
 * template and tokenizer can't read a forged turn, tool call, tool result or thought in it.
 */
export function neutraliseChatText(text: string): string {
  return breakSpellings(text, CHAT_SPECIAL);
}

/** The model's answer with the breaks it copied from the prompt taken out again: the user's text, as it was. */
export function restoreSpecialTokens(text: string): string {
  let result = text;
  // Spellings broken inside one another (`<|a[INST]|>`) come back one level a pass.
  for (let pass = 0; pass < 4 && result.includes(TOKEN_BREAK); pass++) {
    const next = result.replace(BROKEN, (broken) => `${broken[0]}${broken.slice(2)}`);
    if (next === result) break;
    result = next;
  }
  return result;
}

/**
 * A streamed text restored so far. Until the stream ends, a tail that more text may make a broken spelling (`<`,
 * the break and `|im_` so far) is held back: shown now with its break, it would have to be taken back later.
 */
export function restoreStreamedText(text: string, ended: boolean): string {
  return restoreSpecialTokens(ended ? text : text.slice(0, pendingBreak(text)));
}

/**
 * Restores a text that arrives in chunks, as deltas a client can append: what `restoreStreamedText` shows grows
 * only (a tail that may still become a broken spelling waits, then comes out restored or as it was). Should a
 * restoring ever take back what was shown (spellings broken inside one another), the rest comes as it arrived:
 * a break may show, and nothing is lost.
 */
export class RestoredTextStream {
  private raw = "";
  /** How much of `raw` the shown text was restored from. */
  private used = 0;
  private shown = "";
  private verbatim = false;

  /** The text shown so far: the deltas joined. */
  get text(): string {
    return this.shown;
  }

  /** The text to append for this chunk (empty while it waits). */
  push(chunk: string): string {
    this.raw += chunk;
    return this.advance(false);
  }

  /** What is left once the text has ended. */
  end(): string {
    return this.advance(true);
  }

  private advance(ended: boolean): string {
    if (this.verbatim) {
      const delta = this.raw.slice(this.used);
      this.used = this.raw.length;
      this.shown += delta;
      return delta;
    }
    const cut = ended ? this.raw.length : pendingBreak(this.raw);
    const restored = restoreSpecialTokens(this.raw.slice(0, cut));
    if (!restored.startsWith(this.shown)) {
      this.verbatim = true;
      return this.advance(ended);
    }
    const delta = restored.slice(this.shown.length);
    this.used = cut;
    this.shown = restored;
    return delta;
  }
}

/** Where the break of a tail that may still become a broken spelling is (the text's length if none may be). */
function pendingBreak(text: string): number {
  const at = text.lastIndexOf(TOKEN_BREAK);
  if (at < 1 || text.length - at >= LONGEST_BROKEN) return text.length;
  const tail = text.slice(at - 1);
  if (!FIRST_CHARACTERS.has(tail[0]) || /\s/.test(tail) || BROKEN_AT_START.test(tail)) return text.length;
  // The first character may have been shown already, and stays: only the break and what follows it are held.
  return at;
}

/** Every string in a JSON value, keys included, mapped: arguments and schemas are neutralised and restored so. */
function mapJsonStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapJsonStrings(item, map));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [map(key), mapJsonStrings(item, map)]));
}

/** A JSON value (a tool call's arguments, a tool's schema) with every string in it neutralised as chat text. */
export function neutraliseChatJson<T>(value: T): T {
  return mapJsonStrings(value, neutraliseChatText) as T;
}

/** A JSON value the model wrote (a tool call's arguments) with the breaks it copied taken out of every string. */
export function restoreJson<T>(value: T): T {
  return mapJsonStrings(value, restoreSpecialTokens) as T;
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
