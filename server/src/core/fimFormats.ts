/**
 * Fill-in-the-middle prompt formats, recognised from a model's vocabulary (never from its file name or architecture).
 * Pure: the engine supplies a lookup from special-token text to id.
 */

export interface FimFamily {
  /** A short name for logs and the status tooltip. */
  name: "qwen" | "codegemma" | "starcoder" | "mellum" | "deepseek" | "seed" | "codestral";
  /**
   * Which part the family was trained to see first. Either way the text typed in the cursor's block comes last, so a
   * keystroke only changes the prompt's tail: `PRE prefix SUF suffix MID typed` or `SUF suffix PRE prefix MID typed`.
   */
  order: "prefix-first" | "suffix-first";
  prefix: string;
  suffix: string;
  /** Codestral has no middle token: the middle simply follows the prefix. */
  middle?: string;
  /** A token that must also be in the vocabulary, telling this family from another with the same FIM spellings. */
  marker?: string;
  /** Never recognised from a vocabulary (its spellings are another family's): only chosen by setting or name. */
  byNameOnly?: boolean;
  /** Special tokens that end a suggestion besides the model's end-of-generation tokens. */
  stopTokens: readonly string[];
}

const QWEN_STOPS = [
  "<|fim_pad|>",
  "<|file_sep|>",
  "<|repo_name|>",
  "<|endoftext|>",
  "<|fim_prefix|>",
  "<|fim_suffix|>",
  "<|fim_middle|>",
] as const;
const STARCODER_STOPS = ["<fim_pad>", "<file_sep>", "<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"] as const;

/**
 * The families Hearth knows by spelling, in the order they are tried (CodeGemma before Qwen: same FIM spellings,
 * told apart by its `<|file_separator|>`). DeepSeek's bars are full-width `｜` (U+FF5C) and its separator is `▁`
 * (U+2581); two popular extensions ship these with ASCII characters and so never match.
 */
export const FIM_FAMILIES: readonly FimFamily[] = [
  {
    name: "codegemma",
    order: "prefix-first",
    prefix: "<|fim_prefix|>",
    suffix: "<|fim_suffix|>",
    middle: "<|fim_middle|>",
    marker: "<|file_separator|>",
    // CodeGemma ends a middle by starting the next file; without this stop a suggestion runs on into it.
    stopTokens: ["<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"],
  },
  {
    name: "qwen",
    order: "prefix-first",
    prefix: "<|fim_prefix|>",
    suffix: "<|fim_suffix|>",
    middle: "<|fim_middle|>",
    stopTokens: QWEN_STOPS,
  },
  {
    name: "starcoder",
    order: "prefix-first",
    prefix: "<fim_prefix>",
    suffix: "<fim_suffix>",
    middle: "<fim_middle>",
    stopTokens: STARCODER_STOPS,
  },
  {
    // JetBrains' Mellum: StarCoder's spellings, trained suffix-first. Its vocabulary doesn't tell it apart.
    name: "mellum",
    order: "suffix-first",
    prefix: "<fim_prefix>",
    suffix: "<fim_suffix>",
    middle: "<fim_middle>",
    byNameOnly: true,
    stopTokens: STARCODER_STOPS,
  },
  {
    name: "deepseek",
    order: "prefix-first",
    prefix: "<｜fim▁begin｜>",
    suffix: "<｜fim▁hole｜>",
    middle: "<｜fim▁end｜>",
    stopTokens: ["<｜end▁of▁sentence｜>", "<|EOT|>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"],
  },
  {
    // ByteDance's Seed-Coder: `<[fim-suffix]>suffix<[fim-prefix]>prefix<[fim-middle]>`.
    name: "seed",
    order: "suffix-first",
    prefix: "<[fim-prefix]>",
    suffix: "<[fim-suffix]>",
    middle: "<[fim-middle]>",
    stopTokens: ["<[end▁of▁sentence]>", "<[fim-prefix]>", "<[fim-suffix]>", "<[fim-middle]>"],
  },
  {
    // Mistral's Codestral, as mistral-common encodes FIM: `[SUFFIX]suffix[PREFIX]prefix`, the middle after it.
    name: "codestral",
    order: "suffix-first",
    prefix: "[PREFIX]",
    suffix: "[SUFFIX]",
    stopTokens: ["[PREFIX]", "[SUFFIX]", "[MIDDLE]"],
  },
];

export interface FimTokens {
  /** The family whose spelling matched, or "declared" when only the GGUF's `fim_*_token_id` keys named the tokens. */
  family: FimFamily["name"] | "declared";
  order: FimFamily["order"];
  prefix: number;
  suffix: number;
  /** Absent for a family without a middle token (Codestral). */
  middle?: number;
  stopTokens: readonly number[];
}

export interface VocabularyLookup {
  /** The id of a special token with exactly this text, if the vocabulary has one. */
  specialTokenId(text: string): number | undefined;
  /** The FIM tokens the GGUF declares in its `tokenizer.ggml.fim_*_token_id` keys (as the runtime reports them). */
  declared?: { prefix: number | null; suffix: number | null; middle: number | null };
}

/**
 * Finds the model's FIM tokens. Declared ids win (they are the file's own statement); their text then names
 * the family. Otherwise each known spelling is tried. Returns undefined for a model that can't fill in the middle.
 */
export function detectFimTokens(vocabulary: VocabularyLookup): FimTokens | undefined {
  for (const family of FIM_FAMILIES) {
    if (family.byNameOnly) continue;
    const tokens = familyTokens(family, vocabulary);
    if (!tokens) continue;
    const declared = vocabulary.declared;
    if (declared?.prefix != null && declared.prefix !== tokens.prefix) continue; // the file says otherwise: trust the file
    return tokens;
  }
  const declared = vocabulary.declared;
  if (declared?.prefix != null && declared.suffix != null && declared.middle != null) {
    return {
      family: "declared",
      order: "prefix-first",
      prefix: declared.prefix,
      suffix: declared.suffix,
      middle: declared.middle,
      stopTokens: [declared.prefix, declared.suffix, declared.middle],
    };
  }
  return undefined;
}

/** The family's token ids in this vocabulary, or undefined when it lacks any of them (or the family's marker). */
export function familyTokens(family: FimFamily, vocabulary: VocabularyLookup): FimTokens | undefined {
  const prefix = vocabulary.specialTokenId(family.prefix);
  const suffix = vocabulary.specialTokenId(family.suffix);
  const middle = family.middle === undefined ? undefined : vocabulary.specialTokenId(family.middle);
  if (prefix === undefined || suffix === undefined || (family.middle !== undefined && middle === undefined)) return undefined;
  if (family.marker !== undefined && vocabulary.specialTokenId(family.marker) === undefined) return undefined;
  const stopTokens = family.stopTokens.map((text) => vocabulary.specialTokenId(text)).filter((id) => id !== undefined);
  return { family: family.name, order: family.order, prefix, suffix, middle, stopTokens };
}

export interface FimPromptParts {
  /** Tokens of the text before the cursor's line (windowed). */
  prefix: readonly number[];
  /** Tokens of the text after the cursor (windowed). */
  suffix: readonly number[];
  /** Tokens of the text typed in the cursor's block up to the cursor (see FimInput.linePrefix). */
  linePrefix: readonly number[];
}

/**
 * Lays out `PRE prefix SUF suffix MID linePrefix` (the llama.vim layout), or `SUF suffix PRE prefix MID linePrefix`
 * for suffix-first families: the part typed in the cursor's block comes last either way, so typing on one line
 * changes only the prompt's tail and the KV cache keeps everything before it.
 */
export function layoutFimPrompt(
  tokens: FimTokens,
  parts: FimPromptParts,
  beginningOfSequence?: number,
  /** Cross-file context in the family's repository format; it goes first, so it stays in the KV cache. */
  context: readonly number[] = [],
): number[] {
  const prompt: number[] = [];
  if (beginningOfSequence !== undefined) prompt.push(beginningOfSequence);
  prompt.push(...context);
  const prefix = [tokens.prefix, ...parts.prefix];
  const suffix = [tokens.suffix, ...parts.suffix];
  prompt.push(...(tokens.order === "suffix-first" ? [...suffix, ...prefix] : [...prefix, ...suffix]));
  if (tokens.middle !== undefined) prompt.push(tokens.middle);
  prompt.push(...parts.linePrefix);
  return prompt;
}

/**
 * Keeps a prompt inside `budget` tokens: drops the oldest prefix tokens first, then the farthest suffix tokens, and
 * only then the start of the cursor's line (a line longer than the whole context).
 */
export function fitFimParts(parts: FimPromptParts, budget: number): FimPromptParts {
  let { prefix, suffix, linePrefix } = parts;
  let excess = prefix.length + suffix.length + linePrefix.length - Math.max(0, budget);
  if (excess > 0) {
    const fromPrefix = Math.min(excess, prefix.length);
    prefix = prefix.slice(fromPrefix);
    excess -= fromPrefix;
  }
  if (excess > 0) {
    const fromSuffix = Math.min(excess, suffix.length);
    suffix = suffix.slice(0, suffix.length - fromSuffix);
    excess -= fromSuffix;
  }
  if (excess > 0) linePrefix = linePrefix.slice(Math.min(excess, linePrefix.length));
  return { prefix, suffix, linePrefix };
}

/** Served model names that say which family they are, tried in order (Qwen's spelling when none matches). */
const NAME_HINTS: ReadonlyArray<[RegExp, FimFamily["name"]]> = [
  [/codegemma/i, "codegemma"],
  [/deepseek/i, "deepseek"],
  [/seed-?coder/i, "seed"],
  [/codestral/i, "codestral"],
  [/mellum/i, "mellum"],
  // Not "granite": Granite 3's code models spell StarCoder's tokens, Granite 4 Qwen's; its vocabulary tells.
  [/starcoder|stable-?code|refact/i, "starcoder"],
];

/** A FIM family by name, or guessed from a served model's name (Qwen's spelling when the name says nothing). */
export function fimFamilyFor(setting: "auto" | FimFamily["name"], modelName: string): FimFamily {
  const guessed = setting !== "auto" ? setting : (NAME_HINTS.find(([pattern]) => pattern.test(modelName))?.[1] ?? "qwen");
  return FIM_FAMILIES.find((family) => family.name === guessed) ?? FIM_FAMILIES[1]!;
}
