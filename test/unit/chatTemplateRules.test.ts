import { strict as assert } from "node:assert";
import type { ChatWrapper, Token } from "node-llama-cpp";
import { chatHistory, endsWithTokenTrigger, thoughtTags } from "../../server/src/engine/local/chatTemplateRules";

/** Just what the rules read of a wrapper. */
const wrapper = (wrapperName: string, thought?: object) =>
  ({ wrapperName, settings: { segments: { thought } } }) as unknown as ChatWrapper;
const chat = { system: "Be brief.", messages: [{ role: "user" as const, content: "Why?" }], truncated: [] };

describe("what chat templates ask of code that evaluates their prompts", () => {
  it("R1: no system prompt (its text leads the first user turn) and the thought opened with a line break", () => {
    const history = chatHistory(wrapper("DeepSeek"), chat);
    assert.deepEqual(history, [
      { type: "user", text: "Be brief.\n\nWhy?" },
      { type: "model", response: [{ type: "segment", segmentType: "thought", text: "\n", ended: false }] },
    ]);
  });

  it("others: the system prompt as the template's, and the reply open only when the template says so", () => {
    assert.deepEqual(chatHistory(wrapper("ChatML"), chat), [
      { type: "system", text: "Be brief." },
      { type: "user", text: "Why?" },
      { type: "model", response: [] },
    ]);
    const qwen35 = chatHistory(wrapper("Qwen", { prefix: "<think>\n", suffix: "\n</think>", openOnResponseStart: true }), chat);
    assert.deepEqual(qwen35.at(-1), {
      type: "model",
      response: [{ type: "segment", segmentType: "thought", text: "", ended: false }],
    });
  });

  it("takes the thought's tags from the template, trimmed, and <think> when it names none", () => {
    assert.deepEqual(thoughtTags(wrapper("Gemma 4", { prefix: "<|channel>thought\n", suffix: "<channel|>" })), {
      open: "<|channel>thought",
      close: "<channel|>",
    });
    assert.deepEqual(thoughtTags(wrapper("ChatML")), { open: "<think>", close: "</think>" });
  });

  it("matches special-token stop triggers on token ids", () => {
    const ids = (...values: number[]) => values as Token[];
    assert.equal(endsWithTokenTrigger(ids(5, 6, 7), [ids(9), ids(6, 7)]), 2);
    assert.equal(endsWithTokenTrigger(ids(5, 6), [ids(7)]), 0);
  });
});
