/**
 * The next-edit role's model: its own context, and a sequence that drafts tokens from the prompt (prompt-lookup
 * decoding), since a rewrite of the window mostly copies the window, which is in the prompt.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { SWEEP_FILE_SEP } from "../../core/nextEdit/sweepPrompt";
import { EngineError } from "../engineError";
import { loadLlamaModule } from "./llamaRuntime";
import { contextNotice, createContextOrExplain, type PreparedModel } from "./modelSlot";

/**
 * A rewrite copies whole lines of the window: draft up to 16 tokens at a time (node-llama-cpp's default is 3, made
 * for chat), from a match of at least 2 tokens so a common single token doesn't draft from the wrong place.
 */
export const PROMPT_LOOKUP = { patternLength: { min: 2 }, predictionLength: { max: 16 } } as const;

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
  // Sweep's format (the one there is) separates its blocks with a special token the vocabulary must have.
  if (specialTokenId(SWEEP_FILE_SEP) === undefined) {
    throw new EngineError(
      `${name} is not a next-edit model: its vocabulary has no ${SWEEP_FILE_SEP} token.`,
      'Set hearth.nextEdit.model to a next-edit model (for example sweep-next-edit-1.5B), or to "" for ghost text only.',
      "hearth.nextEdit.model",
    );
  }
  const { InputLookupTokenPredictor } = await loadLlamaModule();
  const context = await createContextOrExplain(model, name, contextSize, threads, 2);
  return {
    name,
    model,
    context,
    sequence: context.getSequence({ tokenPredictor: new InputLookupTokenPredictor(PROMPT_LOOKUP) }),
    speculationSequence: context.getSequence({ tokenPredictor: new InputLookupTokenPredictor(PROMPT_LOOKUP) }),
    specialTokenId,
    notice: contextNotice(context, contextSize, model),
    describe: () => `next edit, context ${context.contextSize} tokens, prompt-lookup decoding`,
    dispose: () => context.dispose(),
  };
}
