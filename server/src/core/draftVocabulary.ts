/**
 * Whether a draft model can draft for a target: speculation hands token ids from one to the other, so both must
 * mean the same text by the same id. The rules follow llama.cpp's own check for its speculative decoding: the same
 * tokenizer type and special tokens, vocabulary sizes within a little padding of each other (Qwen2.5's larger models
 * pad theirs to a multiple of 128), and the same text for every id both have. Pure: the engine passes accessors.
 */

export interface VocabularyView {
  name: string;
  /** The tokenizer kind (node-llama-cpp's vocabularyType: "bpe", "spm", …). */
  type: string;
  size: number;
  bos: number | null;
  eos: number | null;
  eot: number | null;
  addsBos: boolean;
  /** The text of one token id, special tokens included. */
  text(id: number): string;
}

/** llama.cpp allows this much difference in vocabulary size (padding rows no tokenizer produces). */
export const VOCABULARY_SIZE_SLACK = 128;

/** What makes `draft` unusable for `target`, in words for the user, or undefined when they match. */
export function vocabularyMismatch(target: VocabularyView, draft: VocabularyView): string | undefined {
  const differs = (what: string) =>
    `The draft model ${draft.name} can't draft for ${target.name}: their vocabularies differ (${what}). A draft model must come from the same family (for example a small Qwen2.5-Coder for a larger Qwen2.5-Coder).`;
  if (target.type !== draft.type) return differs(`tokenizer ${draft.type} vs ${target.type}`);
  if (Math.abs(target.size - draft.size) > VOCABULARY_SIZE_SLACK) return differs(`${draft.size} tokens vs ${target.size}`);
  for (const key of ["bos", "eos", "eot"] as const) {
    if (target[key] !== draft[key]) return differs(`${key.toUpperCase()} token ${draft[key]} vs ${target[key]}`);
  }
  if (target.addsBos !== draft.addsBos) return differs("one adds a BOS token, the other doesn't");
  const shared = Math.min(target.size, draft.size);
  for (let id = 0; id < shared; id++) {
    const targetText = target.text(id);
    const draftText = draft.text(id);
    if (targetText !== draftText) return differs(`token ${id} is ${JSON.stringify(draftText)} vs ${JSON.stringify(targetText)}`);
  }
  return undefined;
}
