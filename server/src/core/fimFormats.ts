/**
 * Fill-in-the-middle prompt formats, recognised from a model's vocabulary (never from its file name or architecture).
 * Pure: the engine supplies a lookup from special-token text to id.
 */

export interface FimFamily {
  /** A short name for logs and the status tooltip. */
  name: "qwen" | "starcoder" | "deepseek";
  prefix: string;
  suffix: string;
  middle: string;
  /** Special tokens that end a suggestion besides the model's end-of-generation tokens. */
  stopTokens: readonly string[];
}

/**
 * The families Hearth knows by spelling. DeepSeek's bars are full-width `｜` (U+FF5C) and its separator is `▁` (U+2581);
 * two popular extensions ship these with ASCII characters and so never match.
 */
export const FIM_FAMILIES: readonly FimFamily[] = [
  {
    name: "qwen",
    prefix: "<|fim_prefix|>",
    suffix: "<|fim_suffix|>",
    middle: "<|fim_middle|>",
    stopTokens: [
      "<|fim_pad|>",
      "<|file_sep|>",
      "<|repo_name|>",
      "<|endoftext|>",
      "<|fim_prefix|>",
      "<|fim_suffix|>",
      "<|fim_middle|>",
    ],
  },
  {
    name: "starcoder",
    prefix: "<fim_prefix>",
    suffix: "<fim_suffix>",
    middle: "<fim_middle>",
    stopTokens: ["<fim_pad>", "<file_sep>", "<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"],
  },
  {
    name: "deepseek",
    prefix: "<｜fim▁begin｜>",
    suffix: "<｜fim▁hole｜>",
    middle: "<｜fim▁end｜>",
    stopTokens: ["<｜end▁of▁sentence｜>", "<|EOT|>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"],
  },
];

export interface FimTokens {
  /** The family whose spelling matched, or "declared" when only the GGUF's `fim_*_token_id` keys named the tokens. */
  family: FimFamily["name"] | "declared";
  prefix: number;
  suffix: number;
  middle: number;
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
    const prefix = vocabulary.specialTokenId(family.prefix);
    const suffix = vocabulary.specialTokenId(family.suffix);
    const middle = vocabulary.specialTokenId(family.middle);
    if (prefix === undefined || suffix === undefined || middle === undefined) continue;
    const declared = vocabulary.declared;
    if (declared?.prefix != null && declared.prefix !== prefix) continue; // the file says otherwise: trust the file
    const stopTokens = family.stopTokens.map((text) => vocabulary.specialTokenId(text)).filter((id) => id !== undefined);
    return { family: family.name, prefix, suffix, middle, stopTokens };
  }
  const declared = vocabulary.declared;
  if (declared?.prefix != null && declared.suffix != null && declared.middle != null) {
    return {
      family: "declared",
      prefix: declared.prefix,
      suffix: declared.suffix,
      middle: declared.middle,
      stopTokens: [declared.prefix, declared.suffix, declared.middle],
    };
  }
  return undefined;
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
 * Lays out `PRE prefix SUF suffix MID linePrefix` (the llama.vim layout): the part typed on the current line
 * comes last, so typing on one line changes only the prompt's tail and the KV cache keeps everything before it.
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
  prompt.push(tokens.prefix, ...parts.prefix, tokens.suffix, ...parts.suffix, tokens.middle, ...parts.linePrefix);
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

/** The same layout as text, for servers that take a string prompt (OpenAI-compatible `/v1/completions`). */
export function layoutFimText(family: FimFamily, text: { prefix: string; suffix: string; linePrefix: string }): string {
  return `${family.prefix}${text.prefix}${family.suffix}${text.suffix}${family.middle}${text.linePrefix}`;
}

/** A FIM family by name, or guessed from a served model's name (Qwen's spelling when the name says nothing). */
export function fimFamilyFor(setting: "auto" | FimFamily["name"], modelName: string): FimFamily {
  const guessed: FimFamily["name"] =
    setting !== "auto"
      ? setting
      : /deepseek/i.test(modelName)
        ? "deepseek"
        : /starcoder|stable-?code|refact/i.test(modelName)
          ? "starcoder"
          : "qwen";
  return FIM_FAMILIES.find((family) => family.name === guessed) ?? FIM_FAMILIES[0]!;
}
