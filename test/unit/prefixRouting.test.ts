/** Which KV-cache sequence a request for VS Code's chat runs on (core/prefixRouting). */
import { strict as assert } from "node:assert";
import { chooseSequence, commonPrefixLength } from "../../server/src/core/prefixRouting";

const range = (from: number, length: number) => Array.from({ length }, (_, index) => from + index);
/** The agent's system prompt and tools: 10,000 tokens, the same in every conversation. */
const AGENT = [1, 2, 3, ...range(100, 10_000)];
/** A chat-title request: the template's first tokens, then other instructions. */
const TITLE = [1, 2, 3, ...range(50_000, 300)];

describe("prefix routing across conversations", () => {
  it("counts the common prefix", () => {
    assert.equal(commonPrefixLength([1, 2, 3], [1, 2, 4]), 2);
    assert.equal(commonPrefixLength([], [1]), 0);
    assert.equal(commonPrefixLength([1, 2], [1, 2, 3]), 2);
  });

  it("a new agent conversation goes where the agent's prefix is cached, whichever was used last", () => {
    const cached = [[...AGENT, 7, 8, 9], [...TITLE]];
    const newConversation = [...AGENT, 42, 43];
    assert.equal(chooseSequence(cached, [1, 2], newConversation), 0);
    assert.equal(chooseSequence(cached, [2, 1], newConversation), 0);
    assert.equal(chooseSequence([...cached].reverse(), [1, 2], newConversation), 1);
  });

  it("a title request does not evict the agent's prefix, even sharing its first words, even right after a title", () => {
    const cached = [
      [...AGENT, 7],
      [...TITLE, 11],
    ];
    const sameWords = [1, 2, 3, 100, 101, 102, ...range(60_000, 200)];
    assert.equal(chooseSequence(cached, [1, 2], sameWords), 1);
    assert.equal(chooseSequence(cached, [2, 1], [...TITLE, 12]), 1);
  });

  it("with nothing cached (or all equal), the least recently used", () => {
    assert.equal(chooseSequence([[], []], [0, 0], AGENT), 0);
    assert.equal(chooseSequence([[], []], [5, 3], AGENT), 1);
    assert.equal(chooseSequence([[9], [9]], [5, 3], AGENT), 1);
  });
});
