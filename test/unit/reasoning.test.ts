import { strict as assert } from "node:assert";
import { ReasoningStream, splitReasoning, tagSplitter } from "../../server/src/core/reasoning";

describe("reasoning segments", () => {
  it("splits an opened and closed thought from the answer", () => {
    assert.deepEqual(splitReasoning("<think>\nweigh it\n</think>\n\nYes."), {
      thought: "weigh it",
      answer: "Yes.",
      thinking: false,
    });
  });

  it("treats text before a closing tag without an opening one as thought (R1 templates pre-fill <think>)", () => {
    assert.deepEqual(splitReasoning("go</think>Yes"), { thought: "go", answer: "Yes", thinking: false });
  });

  it("knows the model is still thinking when the template opened the thought", () => {
    assert.deepEqual(splitReasoning("still going", true), { thought: "still going", answer: "", thinking: true });
  });

  it("keeps an unfinished opening tag as thinking", () => {
    assert.deepEqual(splitReasoning("<think>hmm"), { thought: "hmm", answer: "", thinking: true });
  });

  it("leaves plain answers alone", () => {
    assert.deepEqual(splitReasoning("Hi!"), { thought: "", answer: "Hi!", thinking: false });
  });

  it("holds back a tag split across chunks instead of showing half of it", () => {
    assert.deepEqual(splitReasoning("go</thi"), { thought: "", answer: "go", thinking: false });
    assert.deepEqual(splitReasoning("go</think>"), { thought: "go", answer: "", thinking: false });
  });

  it("streams deltas, and a reset when a late closing tag reclassifies the text", () => {
    const stream = new ReasoningStream();
    const chunks = ["g", "o", "</th", "ink>", "Ye", "s"];
    const deltas = [];
    let raw = "";
    for (const chunk of chunks) {
      raw += chunk;
      deltas.push(...stream.update(raw));
    }
    assert.deepEqual(deltas, [
      { kind: "answer", text: "g" },
      { kind: "answer", text: "o" },
      { kind: "reset", thought: "go", answer: "" },
      { kind: "answer", text: "Ye" },
      { kind: "answer", text: "s" },
    ]);
  });

  it("streams thought then answer when the template opened the thought", () => {
    const stream = new ReasoningStream(tagSplitter(true));
    assert.deepEqual(stream.update("a"), [{ kind: "thought", text: "a" }]);
    assert.deepEqual(stream.update("ab</think>\nc"), [
      { kind: "thought", text: "b" },
      { kind: "answer", text: "c" },
    ]);
  });
});
