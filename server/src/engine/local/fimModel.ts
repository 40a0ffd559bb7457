/**
 * The completion role's model: its own context and the sequence fill-in-the-middle keeps to itself,
 * plus the FIM tokens recognised from the vocabulary.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { detectFimTokens, type FimTokens } from "../../core/fimFormats";
import { EngineError } from "../engineError";
import { contextNotice, createContextOrExplain, type PreparedModel } from "./modelSlot";

export interface FimModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  /** Kept between keystrokes so its KV cache survives. */
  fimSequence: LlamaContextSequence;
  fimTokens: FimTokens;
  /** The id of a special token spelled exactly so, if the vocabulary has one. */
  specialTokenId(text: string): number | undefined;
}

export async function prepareFimModel(model: LlamaModel, path: string, contextSize: number, threads: number): Promise<FimModel> {
  const name = basename(path);
  const specialTokenId = (text: string) => {
    const tokens = model.tokenize(text, true);
    return tokens.length === 1 && model.isSpecialToken(tokens[0]) ? (tokens[0] as number) : undefined;
  };
  const fimTokens = detectFimTokens({
    specialTokenId,
    declared: { prefix: model.tokens.infill.prefix, suffix: model.tokens.infill.suffix, middle: model.tokens.infill.middle },
  });
  if (fimTokens === undefined) {
    throw new EngineError(
      `${name} can't fill in the middle: its vocabulary has no fill-in-the-middle tokens.`,
      "Pick a base coder model (for example DeepSeek-Coder base or Qwen2.5-Coder base), not a chat or instruct model.",
      "hearth.completion.model",
    );
  }
  const context = await createContextOrExplain(model, name, contextSize, threads);
  return {
    name,
    model,
    context,
    fimSequence: context.getSequence(),
    fimTokens,
    specialTokenId,
    notice: contextNotice(context, contextSize, model),
    describe: () => `FIM format: ${fimTokens.family}, context ${context.contextSize} tokens`,
    dispose: () => context.dispose(),
  };
}
