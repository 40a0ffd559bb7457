import { strict as assert } from "node:assert";
import { HARMONY_SENTINELS, splitHarmony } from "../../server/src/core/harmonyReply";
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
    const stream = new ReasoningStream((raw) => splitHarmony(raw));
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

  it("reads markers the engine found by token id; the same spellings written as text stay in the answer", () => {
    const { start, channel, message, end } = HARMONY_SENTINELS;
    const raw =
      `${channel}analysis${message}Explain the format.${end}${start}assistant${channel}final${message}` +
      'Reasoning goes in `<|channel|>analysis<|message|>`; in code: `const START = "<|start|>";`.';
    assert.deepEqual(splitHarmony(raw, HARMONY_SENTINELS), {
      thought: "Explain the format.",
      answer: 'Reasoning goes in `<|channel|>analysis<|message|>`; in code: `const START = "<|start|>";`.',
      thinking: false,
    });
  });

  it("never shows a call in the template's own form, whose role part goes on from the prompt's `<|start|>assistant`", () => {
    const call = ' to=functions.read_file<|channel|>commentary <|constrain|>json<|message|>{"path":"secret.txt"}';
    assert.deepEqual(splitHarmony(call), { thought: "", answer: "", thinking: false });
    assert.deepEqual(splitHarmony(" to=functions.read"), { thought: "", answer: "", thinking: false });
    // A call on the analysis channel (a built-in tool) is neither thought nor still thinking.
    const browse = '<|channel|>analysis to=browser.search code<|message|>{"query":"x"}';
    assert.deepEqual(splitHarmony(browse), { thought: "", answer: "", thinking: false });
  });

  it("reads a long run of bare `<|start|>` (a degenerate reply) without going back over it", () => {
    const raw = `${"<|start|>assistant".repeat(20_000)}<|channel|>final<|message|>Done`;
    assert.equal(splitHarmony(raw).answer, "Done");
  });
});
