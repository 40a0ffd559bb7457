import { strict as assert } from "node:assert";
import { ChatHistoryStore } from "../../client/src/chat/chatHistoryStore";
import { budgetChat, SYSTEM_PROMPT } from "../../server/src/core/chatPrompt";

/** One token per character keeps the arithmetic visible. */
const count = (text: string) => text.length;

describe("chat prompt budget", () => {
  const question = { role: "user" as const, content: "why?" };

  it("renders attached context into the question", () => {
    const chat = budgetChat([question], [{ label: "a.ts", languageId: "ts", text: "let a = 1;" }], 10_000, count);
    assert.equal(chat.system, SYSTEM_PROMPT);
    assert.deepEqual(chat.truncated, []);
    assert.equal(chat.messages.at(-1)?.content, "`a.ts`:\n```ts\nlet a = 1;\n```\n\nwhy?");
  });

  it("drops the oldest turns first and always keeps the question", () => {
    const old = Array.from({ length: 6 }, (_, i) => ({
      role: (i % 2 ? "assistant" : "user") as "user" | "assistant",
      content: "x".repeat(100),
    }));
    const chat = budgetChat([...old, question], [], SYSTEM_PROMPT.length + 8 + 250, count);
    assert.equal(chat.messages.at(-1)?.content, "why?");
    assert.ok(chat.messages.length < old.length + 1);
  });

  it("cuts a context item that doesn't fit, says so, and leaves out the ones after it", () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n");
    const chat = budgetChat(
      [question],
      [
        { label: "big.ts", text: long },
        { label: "after.ts", text: "x" },
      ],
      700,
      count,
    );
    assert.deepEqual(chat.truncated, ["big.ts", "after.ts"]);
    const content = chat.messages.at(-1)?.content ?? "";
    assert.match(content, /^`big\.ts`:\n```\nline 0\n/);
    assert.match(content, /… \(cut to fit the model's context\)/);
    assert.ok(count(content) + SYSTEM_PROMPT.length <= 700);
  });
});

describe("chat history store", () => {
  function memory() {
    const values = new Map<string, unknown>();
    return {
      get: <T>(key: string) => values.get(key) as T | undefined,
      update: async (key: string, value: unknown) => void values.set(key, value),
    };
  }

  it("keeps conversations, returns the latest, and clears", async () => {
    const store = new ChatHistoryStore(memory());
    await store.save({ id: "a", title: "first", createdAt: 1, turns: [{ role: "user", content: "hi" }] });
    await store.save({ id: "b", title: "second", createdAt: 2, turns: [{ role: "user", content: "yo" }] });
    await store.save({ id: "empty", title: "", createdAt: 3, turns: [] });
    assert.equal(store.latest()?.id, "b");
    assert.deepEqual(
      store.all().map((c) => c.id),
      ["a", "b"],
    );
    await store.save({
      id: "a",
      title: "first",
      createdAt: 1,
      turns: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Hi!" },
      ],
    });
    assert.equal(store.get("a")?.turns.length, 2);
    await store.clear();
    assert.deepEqual(store.all(), []);
  });
});
