/**
 * The chat role's model: its own context and sequence (so a chat never evicts the completion cache), and the
 * chat wrapper node-llama-cpp picks from the model's own template.
 */
import { basename } from "node:path";
import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { loadLlamaModule } from "./llamaRuntime";
import { createContextOrExplain, type PreparedModel } from "./modelSlot";

export interface ChatModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  wrapper: ChatWrapper;
}

export async function prepareChatModel(
  model: LlamaModel,
  path: string,
  contextSize: number,
  threads: number,
): Promise<ChatModel> {
  const name = basename(path);
  // node-llama-cpp is ESM with top-level await: values come through the dynamic import, never a static one.
  const { resolveChatWrapper } = await loadLlamaModule();
  const wrapper = resolveChatWrapper(model);
  const context = await createContextOrExplain(model, name, contextSize, threads);
  return {
    name,
    model,
    context,
    sequence: context.getSequence(),
    wrapper,
    describe: () => `chat template: ${wrapper.wrapperName}, context ${context.contextSize} tokens`,
    dispose: () => context.dispose(),
  };
}
