import { strict as assert } from "node:assert";
import { splitHarmony } from "../../server/src/core/harmonyReply";
import { ReasoningStream } from "../../server/src/core/reasoning";

/** What gpt-oss writes after the prompt's `<|start|>assistant`, as llama.cpp detokenizes it. */
const REPLY =
  "<|channel|>analysis<|message|>The user asks why. Think.<|end|><|start|>assistant<|channel|>final<|message|>Because **42**.";

describe("harmony replies (gpt-oss): thought and answer by channel", () => {
  it("splits the analysis channel from the final one, the restated role dropped", () => {
    assert.deepEqual(splitHarmony(REPLY), { thought: "The user asks why. Think.", answer: "Because **42**.", thinking: false });
  });

  it("ends a message where the next begins when `<|end|>` isn't rendered", () => {
    const raw = "<|channel|>analysis<|message|>Think.<|start|>assistant<|channel|>final<|message|>Done";
    assert.deepEqual(splitHarmony(raw), { thought: "Think.", answer: "Done", thinking: false });
    assert.deepEqual(splitHarmony("<|channel|>analysis<|message|>Think.<|channel|>final<|message|>Done").answer, "Done");
  });

  it("is thinking inside an unended analysis message, and not once another header starts", () => {
    assert.deepEqual(splitHarmony("<|channel|>analysis<|message|>Hmm"), { thought: "Hmm", answer: "", thinking: true });
    assert.deepEqual(splitHarmony("<|channel|>analysis<|message|>Hmm<|start|>"), { thought: "Hmm", answer: "", thinking: false });
    // A header still being written shows nothing of itself.
    assert.deepEqual(splitHarmony("<|channel|>analysis<|message|>Hmm<|end|><|start|>assistant<|channel|>fin"), {
      thought: "Hmm",
      answer: "",
      thinking: false,
    });
    assert.deepEqual(splitHarmony("<|channel|>"), { thought: "", answer: "", thinking: false });
  });

  it("shows a commentary preamble as answer, never a tool call's arguments", () => {
    const raw =
      "<|channel|>commentary<|message|>Let me look.<|end|>" +
      '<|start|>assistant<|channel|>commentary to=functions.read <|constrain|>json<|message|>{"path":"a"}<|call|>' +
      '<|start|>assistant to=functions.list<|channel|>commentary json<|message|>{"path":"."}' +
      "<|start|>assistant<|channel|>final<|message|>Found it.";
    assert.deepEqual(splitHarmony(raw), { thought: "", answer: "Let me look.\n\nFound it.", thinking: false });
  });

  it("takes text with no channel at all as the answer", () => {
    assert.deepEqual(splitHarmony("Plain words"), { thought: "", answer: "Plain words", thinking: false });
    assert.deepEqual(splitHarmony("<|start|>assistant<|message|>Hi"), { thought: "", answer: "Hi", thinking: false });
  });

  it("streams token by token with append-only deltas", () => {
    const stream = new ReasoningStream(splitHarmony);
    const pieces = [
      "<|channel|>",
      "analysis",
      "<|message|>",
      "The",
      " user",
      "<|end|>",
      "<|start|>",
      "assistant",
      "<|channel|>",
      "final",
      "<|message|>",
      "Because",
      " **42**.",
    ];
    const deltas = pieces.flatMap((_, index) => stream.update(pieces.slice(0, index + 1).join("")));
    assert.ok(!deltas.some((delta) => delta.kind === "reset"), JSON.stringify(deltas));
    const text = (kind: string) =>
      deltas.flatMap((delta) => (delta.kind === kind && "text" in delta ? [delta.text] : [])).join("");
    assert.equal(text("thought"), "The user");
    assert.equal(text("answer"), "Because **42**.");
  });
});
