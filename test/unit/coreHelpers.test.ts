import { strict as assert } from "node:assert";
import { chatBudget } from "../../server/src/core/chatPrompt";
import { Listeners } from "../../server/src/core/listeners";
import { LruMap } from "../../server/src/core/lruMap";
import { finishedReply } from "../../server/src/core/reasoning";

describe("core helpers", () => {
  it("LruMap keeps the most recently used entries; peek is not a use", () => {
    const map = new LruMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    assert.equal(map.get("a"), 1); // a is now the newest
    map.set("c", 3); // evicts b
    assert.equal(map.peek("b"), undefined);
    assert.equal(map.peek("a"), 1);
    map.set("d", 4); // peeking a did not make it newer than c, so a goes
    assert.deepEqual([map.peek("a"), map.peek("c"), map.peek("d")], [undefined, 3, 4]);
    assert.equal(map.size, 2);
  });

  it("Listeners: add returns the removal; emit reaches the rest", () => {
    const listeners = new Listeners<number>();
    const seen: string[] = [];
    const removeFirst = listeners.add((value) => seen.push(`first ${value}`));
    listeners.add((value) => seen.push(`second ${value}`));
    listeners.emit(1);
    removeFirst();
    listeners.emit(2);
    listeners.clear();
    listeners.emit(3);
    assert.deepEqual(seen, ["first 1", "second 1", "second 2"]);
  });

  it("chatBudget gives the reply at most half the window and the prompt the rest", () => {
    assert.deepEqual(chatBudget(4096, 2048), { maxTokens: 2048, promptTokens: 4096 - 2048 - 16 });
    assert.deepEqual(chatBudget(2048, 4000), { maxTokens: 1024, promptTokens: 2048 - 1024 - 16 });
  });

  it("finishedReply times the thought by its end, or the whole reply when it never ended", () => {
    assert.deepEqual(finishedReply({ answer: " 42 ", thought: "hmm", thinking: false }, 120.4, 900), {
      answer: "42",
      thought: "hmm",
      thoughtMs: 120,
    });
    assert.equal(finishedReply({ answer: "", thought: "hmm", thinking: true }, 120, 900).thoughtMs, 900);
    assert.equal(finishedReply({ answer: "x", thought: "hmm", thinking: false }, 0, 900).thoughtMs, 900);
    assert.equal(finishedReply({ answer: "x", thought: "", thinking: false }, 50, 900).thoughtMs, 0);
  });
});
