/**
 * Chat over LSP with generated bigram chat models: exact streamed replies, reasoning split, Stop, clear errors.
 */
import { strict as assert } from "node:assert";
import type { ChatDelta } from "../../server/src/shared/protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

/** Rebuilds what a view shows from the deltas it received. */
function replay(deltas: readonly ChatDelta[]): { thought: string; answer: string } {
  let thought = "";
  let answer = "";
  for (const delta of deltas) {
    if (delta.kind === "reset") ({ thought, answer } = delta);
    else if (delta.kind === "thought") thought += delta.text;
    else answer += delta.text;
  }
  return { thought, answer };
}

const user = (content: string) => ({ role: "user" as const, content });

describe("chat over LSP (bigram chat models)", function () {
  this.timeout(60_000);

  it("streams the exact predicted reply, with the completion model in the same file loaded once", async () => {
    const model = bigramModelPath("qwen");
    const client = await LspTestClient.start({ completion: { model }, chat: { model }, local: { threads: 1 } });
    try {
      const result = await client.chat("c1", [user("hello")]);
      assert.equal(result.answer, "Hi!");
      assert.equal(result.stopReason, "eog");
      assert.deepEqual(replay(client.chatDeltas.get("c1") ?? []), { thought: "", answer: "Hi!" });
      // The completion role keeps working beside it, on its own context.
      await client.open("file:///a.ts", "  ret\n");
      assert.equal(await client.completionText("file:///a.ts", 0, 5), "urn a+b;");
      const loads = client.logs.join("").match(/Loaded bigram-qwen-v\d+\.gguf for (completion|chat)/g) ?? [];
      assert.deepEqual(loads.sort(), ["Loaded bigram-qwen-v3.gguf for chat", "Loaded bigram-qwen-v3.gguf for completion"]);
    } finally {
      await client.stop();
    }
  });

  it("separates the thought from the answer when only the closing tag is generated", async () => {
    const client = await LspTestClient.start({ chat: { model: bigramModelPath("qwen", "reasoning") }, local: { threads: 1 } });
    try {
      const result = await client.chat("r1", [user("is it?")]);
      assert.equal(result.thought, "go");
      assert.equal(result.answer, "Yes");
      const deltas = client.chatDeltas.get("r1") ?? [];
      assert.ok(
        deltas.some((delta) => delta.kind === "reset"),
        "the late closing tag reclassified the streamed text",
      );
      assert.deepEqual(replay(deltas), { thought: "go", answer: "Yes" });
    } finally {
      await client.stop();
    }
  });

  it("stops at once when the request is cancelled, keeping nothing running", async () => {
    const client = await LspTestClient.start({
      chat: { model: bigramModelPath("qwen", "endlessChat"), maxTokens: 2048 },
      local: { threads: 1 },
    });
    try {
      await client.chat("warm", [user("x")], { cancelAfterMs: 0 }).catch(() => undefined);
      const started = performance.now();
      const result = await client.chat("e1", [user("go on")], { cancelAfterMs: 300 }).catch((error: Error) => error);
      const elapsed = performance.now() - started;
      assert.ok(!(result instanceof Error) || /cancel/i.test(result.message), String(result));
      assert.ok(elapsed < 1500, `took ${elapsed} ms`);
      const streamed = replay(client.chatDeltas.get("e1") ?? []).answer;
      assert.match(streamed, /^z+$/);
      // Nothing keeps generating after the stop: the delta count stays put.
      const count = client.chatDeltas.get("e1")?.length ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(client.chatDeltas.get("e1")?.length ?? 0, count);
    } finally {
      await client.stop();
    }
  });

  it("says which attached context was cut to fit the model's context", async () => {
    const client = await LspTestClient.start({
      chat: { model: bigramModelPath("qwen") },
      local: { threads: 1, contextSize: 1024 },
    });
    try {
      const big = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n");
      const result = await client.chat("t1", [user("explain")], {
        context: [
          { label: "small.ts", text: "let a = 1;" },
          { label: "big.ts:1-2000", text: big },
        ],
      });
      assert.equal(result.answer, "Hi!");
      assert.deepEqual(result.truncated, ["big.ts:1-2000"]);
    } finally {
      await client.stop();
    }
  });

  it("answers with an error that names the setting when no chat model is set", async () => {
    const client = await LspTestClient.start({ chat: { model: "" }, local: { threads: 1 } });
    try {
      await assert.rejects(client.chat("n1", [user("hi")]), (error: Error & { data?: { setting?: string; fix?: string } }) => {
        assert.match(error.message, /No chat model is set/);
        assert.equal(error.data?.setting, "hearth.chat.model");
        assert.match(error.data?.fix ?? "", /Set hearth\.chat\.model/);
        return true;
      });
    } finally {
      await client.stop();
    }
  });
});
