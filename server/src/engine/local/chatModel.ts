/**
 * The chat role's model: its own context and sequence (so a chat never evicts the completion cache), the chat
 * wrapper node-llama-cpp picks from the model's own template, and, once VS Code's chat uses it, a context for that.
 */
import { basename } from "node:path";
import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { loadLlamaModule } from "./llamaRuntime";
import { LmContextHolder } from "./lmContext";
import { contextNotice, createContextOrExplain, type PreparedModel } from "./modelSlot";
import type { PrefixStateCache } from "./prefixStateCache";

export interface ChatModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  /** For fixes, which mostly copy their input: it drafts tokens by looking them up in the prompt (prompt-lookup decoding). */
  fixSequence: LlamaContextSequence;
  wrapper: ChatWrapper;
  /** The context for VS Code's chat (hearth/lm), on these weights, made at its first request. */
  lm: LmContextHolder;
}

export async function prepareChatModel(
  model: LlamaModel,
  path: string,
  contextSize: number,
  threads: number,
  /** Where VS Code's chat's prefix state is saved across restarts (prefixStateCache.ts); none: not saved. */
  prefixCache: () => PrefixStateCache | undefined = () => undefined,
): Promise<ChatModel> {
  const name = basename(path);
  // node-llama-cpp is ESM with top-level await: values come through the dynamic import, never a static one.
  const { resolveChatWrapper, InputLookupTokenPredictor } = await loadLlamaModule();
  const wrapper = resolveChatWrapper(model);
  const context = await createContextOrExplain(model, name, contextSize, threads, 2);
  const lm = new LmContextHolder(model, name, threads, { modelPath: path, cacheOf: prefixCache });
  return {
    name,
    model,
    context,
    sequence: context.getSequence(),
    fixSequence: context.getSequence({ tokenPredictor: new InputLookupTokenPredictor() }),
    wrapper,
    lm,
    notice: contextNotice(context, contextSize, model),
    describe: () => `chat template: ${wrapper.wrapperName}, context ${context.contextSize} tokens`,
    dispose: async () => {
      await lm.dispose();
      await context.dispose();
    },
  };
}
