/**
 * Chat through real templates and vocabularies (llama.cpp's bundled Jinja templates and vocab GGUFs, with scripted
 * weights): each template's thought tags, a thought the prompt opens, and a special-token stop trigger, exactly.
 */
import { strict as assert } from "node:assert";
import type { ChatDelta } from "../../server/src/shared/protocol";
import { type TemplateFixtureName, templateModelPath } from "../fixtures/gguf/templateModel";
import { LspTestClient } from "./lspTestClient";

const user = (content: string) => ({ role: "user" as const, content });

/** What the scripted model's reply must read as, per template; `opened`: the first delta is already thought. */
const EXPECTED: Record<
  // Tool fixtures have their own tests; real-size ones are for benchmarks.
  Exclude<TemplateFixtureName, TemplateFixtureName & (`${string}-tools${string}` | `${string}-real-size`)>,
  { thought: string; answer: string; template: RegExp; opened?: boolean }
> = {
  "qwen2.5": { thought: "", answer: "Hello there", template: /chat template: (Qwen|ChatML)/ },
  qwen3: { thought: "Pondering", answer: "The answer", template: /chat template: (Qwen|JinjaTemplate)/ },
  "qwen3.5": { thought: "Pondering", answer: "The answer", template: /chat template: Qwen/, opened: true },
  "r1-distill": { thought: "Pondering", answer: "The answer", template: /chat template: DeepSeek/, opened: true },
  "gemma-4": { thought: "Pondering", answer: "The answer", template: /chat template: Gemma 4/ },
  "gpt-oss": { thought: "Pondering", answer: "The answer", template: /chat template: Harmony/ },
};

describe("chat templates of 2026, each exactly (scripted models on real vocabularies)", function () {
  this.timeout(120_000);
  for (const [name, expected] of Object.entries(EXPECTED) as Array<
    [keyof typeof EXPECTED, (typeof EXPECTED)[keyof typeof EXPECTED]]
  >) {
    it(`${name}: the thought and the answer split exactly${expected.opened ? ", the prompt opening the thought" : ""}`, async () => {
      const client = await LspTestClient.start({ chat: { model: await templateModelPath(name) }, local: { threads: 1 } });
      try {
        const result = await client.chat(name, [user("Why?")]);
        assert.equal(result.answer, expected.answer, JSON.stringify(result));
        assert.equal(result.thought, expected.thought);
        assert.match(client.logs.join(""), expected.template);
        const deltas: readonly ChatDelta[] = client.chatDeltas.get(name) ?? [];
        if (expected.opened) {
          assert.equal(deltas[0]?.kind, "thought", "the reply starts inside the thought the prompt opened");
          assert.ok(!deltas.some((delta) => delta.kind === "reset"), "nothing streamed as answer had to be taken back");
        }
        if (name === "r1-distill") assert.equal(result.stopReason, "stopTrigger", "<｜User｜> stops the reply");
      } finally {
        await client.stop();
      }
    });
  }
});
