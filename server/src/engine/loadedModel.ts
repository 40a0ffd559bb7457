/**
 * One loaded model with its context and the sequence that fill-in-the-middle owns.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { detectFimTokens, type FimTokens } from "./fimFormats";
import type { LlamaRuntime } from "./llamaRuntime";
import { EngineError } from "./modelEngine";

export interface LoadedModel {
  path: string;
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  /** The sequence FIM keeps to itself, so its KV cache survives between keystrokes. */
  fimSequence: LlamaContextSequence;
  fimTokens: FimTokens;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  path: string;
  contextSize: number;
  threads: number;
  onProgress(fraction: number): void;
}

export async function loadModel(runtime: LlamaRuntime, options: LoadOptions): Promise<LoadedModel> {
  const name = basename(options.path);
  let model: LlamaModel;
  try {
    model = await runtime.llama.loadModel({ modelPath: options.path, onLoadProgress: options.onProgress });
  } catch (error) {
    throw new EngineError(
      `Could not load ${name}: ${error instanceof Error ? error.message : String(error)}`,
      "The file may be damaged or use an architecture this version of llama.cpp doesn't know; download it again or choose another model.",
      "hearth.completion.model",
    );
  }
  const fimTokens = detectFimTokens({
    specialTokenId: (text) => {
      const tokens = model.tokenize(text, true);
      return tokens.length === 1 && model.isSpecialToken(tokens[0]) ? tokens[0] : undefined;
    },
    declared: { prefix: model.tokens.infill.prefix, suffix: model.tokens.infill.suffix, middle: model.tokens.infill.middle },
  });
  if (fimTokens === undefined) {
    await model.dispose();
    throw new EngineError(
      `${name} can't fill in the middle: its vocabulary has no fill-in-the-middle tokens.`,
      "Pick a base coder model (for example DeepSeek-Coder base or Qwen2.5-Coder base), not a chat or instruct model.",
      "hearth.completion.model",
    );
  }
  let context: LlamaContext;
  try {
    context = await model.createContext({
      contextSize: Math.min(options.contextSize, model.trainContextSize),
      threads: options.threads,
      sequences: 1,
    });
  } catch (error) {
    await model.dispose();
    throw new EngineError(
      `Not enough memory for a ${options.contextSize}-token context with ${name}: ${error instanceof Error ? error.message : String(error)}`,
      "Lower hearth.engine.contextSize or choose a smaller model.",
      "hearth.engine.contextSize",
    );
  }
  const fimSequence = context.getSequence();
  return {
    path: options.path,
    name,
    model,
    context,
    fimSequence,
    fimTokens,
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}
