/**
 * The next-edit role's model: its own context, and a sequence that drafts tokens from the prompt (prompt-lookup
 * decoding), since a rewrite of the window mostly copies the window, which is in the prompt.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { type NextEditPromptFormat, recogniseNextEditFormat } from "../../core/nextEdit/nextEditFormat";
import { EngineError } from "../engineError";
import { contextNotice, createContextOrExplain, type PreparedModel } from "./modelSlot";

export interface NextEditModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  /** Kept between requests so the stable part of the prompt stays in its KV cache. */
  sequence: LlamaContextSequence;
  /** Speculation's own, so a guess the user never takes doesn't evict the request path's cache. */
  speculationSequence: LlamaContextSequence;
  /** The id of a special token spelled exactly so, if the vocabulary has one. */
  specialTokenId(text: string): number | undefined;
  /** The prompt format recognised from the vocabulary and file name (hearth.nextEdit.format `auto`). */
  format: NextEditPromptFormat;
}

export async function prepareNextEditModel(
  model: LlamaModel,
  path: string,
  contextSize: number,
  threads: number,
): Promise<NextEditModel> {
  const name = basename(path);
  const specialTokenId = (text: string) => {
    const tokens = model.tokenize(text, true);
    return tokens.length === 1 && model.isSpecialToken(tokens[0]) ? (tokens[0] as number) : undefined;
  };
  // Each format's blocks are marked by special tokens the vocabulary must have: Sweep's <|file_sep|> (Qwen),
  // Zeta 2's <[fim-suffix]> and the rest (Seed-Coder).
  const format = recogniseNextEditFormat({ name, hasSpecialToken: (text) => specialTokenId(text) !== undefined });
  if (format === undefined) {
    throw new EngineError(
      `${name} is not a next-edit model: its vocabulary has no <|file_sep|> token (Sweep's format), nor Seed-Coder's <[fim-suffix]> (Zeta 2's).`,
      'Set hearth.nextEdit.model to a next-edit model (for example sweep-next-edit-1.5B or zeta-2.1), or to "" for ghost text only.',
      "hearth.nextEdit.model",
    );
  }
  const context = await createContextOrExplain(model, name, contextSize, threads, 2);
  return {
    name,
    model,
    context,
    sequence: context.getSequence(),
    speculationSequence: context.getSequence(),
    specialTokenId,
    format,
    notice: contextNotice(context, contextSize, model),
    describe: () => `next edit, context ${context.contextSize} tokens, prompt-lookup decoding`,
    dispose: () => context.dispose(),
  };
}
