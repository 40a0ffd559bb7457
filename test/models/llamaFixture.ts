/**
 * What the model-level tests share: a one-thread CPU llama runtime started before the suite, every model and context
 * they load disposed after it, and a generated model loaded as a draft model (draftModel.ts's shape).
 */
import type { Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import type { DraftModel } from "../../server/src/engine/local/draftModel";
import { loadLlamaModule } from "../../server/src/engine/local/llamaRuntime";

/** The ChatML prompt the bigram chat scripts answer. */
export const RECITE_PROMPT = "<|im_start|>user\nrecite<|im_end|>\n<|im_start|>assistant\n";

export interface LlamaFixture {
  load(path: string): Promise<LlamaModel>;
  context(model: LlamaModel): Promise<LlamaContext>;
  draftOf(path: string): Promise<DraftModel>;
}

/** Registers the suite's before/after hooks; call inside `describe`. */
export function llamaFixture(): LlamaFixture {
  let llama: Llama;
  const open: Array<LlamaModel | LlamaContext> = [];
  before(async () => {
    const { getLlama } = await loadLlamaModule();
    llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  });
  after(async () => {
    for (const item of open.reverse()) await item.dispose();
  });
  const fixture: LlamaFixture = {
    async load(path) {
      const model = await llama.loadModel({ modelPath: path });
      open.push(model);
      return model;
    },
    async context(model) {
      const context = await model.createContext({ contextSize: 512, threads: 1 });
      open.push(context);
      return context;
    },
    async draftOf(path) {
      const model = await fixture.load(path);
      return {
        name: path,
        path,
        model,
        vocabularySize: model.fileInfo.metadata.tokenizer.ggml.tokens.length,
        sequence: (await fixture.context(model)).getSequence(),
        dispose: async () => undefined,
      };
    },
  };
  return fixture;
}
