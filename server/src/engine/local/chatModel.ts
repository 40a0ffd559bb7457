/**
 * The chat role's model: its own context and sequence (so a chat never evicts the completion cache), the chat
 * wrapper node-llama-cpp picks from the model's own template, and, once VS Code's chat uses it, a context for that.
 */
import { basename } from "node:path";
import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import type { LocatedModel } from "../modelEngine";
import { reopenThoughtAfterCalls } from "./chatTemplateRules";
import { canSpeculate, type DraftLoad, type DraftModel, loadDraftModel } from "./draftModel";
import { createDraftPredictor, type DraftPredictor } from "./draftPredictor";
import { loadLlamaModule } from "./llamaRuntime";
import { LmContextHolder } from "./lmContext";
import type { ModelLease } from "./modelCache";
import { contextNotice, createContextOrExplain, type PreparedModel } from "./modelSlot";
import type { PrefixStateCache } from "./prefixStateCache";

export interface ChatModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  /** For fixes, so a fix never evicts the chat's cache; they draft by prompt lookup (speculativeDecoding.ts). */
  fixSequence: LlamaContextSequence;
  wrapper: ChatWrapper;
  /** The context for VS Code's chat (hearth/lm), on these weights, made at its first request. */
  lm: LmContextHolder;
  /** hearth.chat.draftModel, loaded and checked against this model's vocabulary; none when unset or refused. */
  draft?: DraftModel;
  /** Where the draft named would be, while it is a download not made yet: the chat model loads again once it is. */
  draftMissing?: string;
  /**
   * Drafts for what LlamaChat writes on `sequence` (agent steps), switched on per step; none where the model can't
   * speculate (a recurrent state: node-llama-cpp would checkpoint it at every token a predictor is on the sequence).
   */
  predictor?: DraftPredictor;
}

/** How the chat model finds its draft model: where hearth.chat.draftModel points, and the runtime to load it on. */
export interface DraftSource {
  locate(): Promise<LocatedModel | undefined>;
  acquire(path: string): Promise<ModelLease>;
}

export async function prepareChatModel(
  model: LlamaModel,
  path: string,
  contextSize: number,
  threads: number,
  /** Where VS Code's chat's prefix state is saved across restarts (prefixStateCache.ts); none: not saved. */
  prefixCache: () => PrefixStateCache | undefined = () => undefined,
  draftSource?: DraftSource,
): Promise<ChatModel> {
  const name = basename(path);
  // node-llama-cpp is ESM with top-level await: values come through the dynamic import, never a static one.
  const { resolveChatWrapper } = await loadLlamaModule();
  const wrapper = resolveChatWrapper(model);
  reopenThoughtAfterCalls(wrapper);
  const context = await createContextOrExplain(model, name, contextSize, threads, 2);
  const lm = new LmContextHolder(model, name, threads, { modelPath: path, cacheOf: prefixCache });
  const drafting: DraftLoad = draftSource
    ? await loadDraftModel(model, await draftSource.locate(), draftSource.acquire, context.contextSize)
    : {};
  const draft = drafting.draft;
  const predictor = canSpeculate(model) ? await createDraftPredictor() : undefined;
  return {
    name,
    model,
    context,
    sequence: context.getSequence(predictor ? { tokenPredictor: predictor } : undefined),
    predictor,
    fixSequence: context.getSequence(),
    wrapper,
    lm,
    draft,
    draftMissing: drafting.missing,
    notice: [contextNotice(context, contextSize, model), drafting.notice].filter(Boolean).join(" ") || undefined,
    describe: () =>
      `chat template: ${wrapper.wrapperName}, context ${context.contextSize} tokens${draft ? `, draft model ${draft.name}` : ""}`,
    dispose: async () => {
      await lm.dispose();
      await draft?.dispose();
      await context.dispose();
    },
  };
}
