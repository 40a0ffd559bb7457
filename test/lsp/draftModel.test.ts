/**
 * Draft-model speculative decoding over LSP (hearth.chat.draftModel), with generated bigram models: a draft of the
 * same script guesses every token, so the reply must be token for token the one the chat model writes alone, with
 * drafted tokens kept; a draft with another vocabulary is refused with a notice and chat goes on without it.
 */
import { strict as assert } from "node:assert";
import { LmStepRequest } from "../../server/src/shared/lmProtocol";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramDraftModelPath, bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

const user = (content: string) => ({ role: "user" as const, content });

describe("draft model over LSP (speculative decoding)", function () {
  this.timeout(60_000);
  const target = () => bigramModelPath("qwen", "copy");

  for (const temperature of [0, 1]) {
    it(`writes exactly the chat model's reply, keeping drafted tokens (temperature ${temperature})`, async () => {
      const plain = await LspTestClient.start({ chat: { model: target(), temperature }, local: { threads: 1 } });
      let alone: Awaited<ReturnType<LspTestClient["chat"]>>;
      try {
        alone = await plain.chat("p", [user("recite")]);
      } finally {
        await plain.stop();
      }
      const client = await LspTestClient.start({
        chat: { model: target(), temperature, draftModel: bigramDraftModelPath("qwen", "copy") },
        local: { threads: 1 },
      });
      try {
        const drafted = await client.chat("d", [user("recite")]);
        assert.equal(alone.answer, CHAT_SCRIPTS.copy);
        assert.equal(drafted.answer, alone.answer);
        assert.equal(drafted.stopReason, alone.stopReason);
        assert.equal(alone.draftTokens, undefined, "no draft, no speculation");
        const stats = drafted.draftTokens;
        assert.ok(stats, "the reply reports its drafting");
        // The whole reply but the first token of each verification round came from the draft.
        assert.ok(stats.accepted >= CHAT_SCRIPTS.copy.length - 8, `kept ${stats.accepted} of ${stats.drafted}`);
        assert.ok(stats.accepted <= stats.drafted);
        assert.match(client.logs.join(""), /draft model bigram-draft-qwen-copy-v\d+\.gguf/);
      } finally {
        await client.stop();
      }
    });
  }

  it("refuses a draft with another vocabulary, says why, and chats without it", async () => {
    const client = await LspTestClient.start({
      chat: { model: target(), temperature: 0, draftModel: bigramDraftModelPath("deepseek", "copy") },
      local: { threads: 1 },
    });
    try {
      const reply = await client.chat("v", [user("recite")]);
      assert.equal(reply.answer, CHAT_SCRIPTS.copy);
      assert.equal(reply.draftTokens, undefined);
      const status = await client.waitForStatus((s) => s.role === "chat" && s.state === "ready");
      assert.match(
        status.message ?? "",
        /draft model bigram-draft-deepseek-copy-v\d+\.gguf can.t draft for bigram-qwen-copy-v\d+\.gguf: their vocabularies differ \(EOT token/,
      );
      assert.match(status.message ?? "", /Chat runs without it/);
    } finally {
      await client.stop();
    }
  });

  it("refuses the chat model itself as its draft: a guess would cost a whole token", async () => {
    const client = await LspTestClient.start({
      chat: { model: target(), temperature: 0, draftModel: target() },
      local: { threads: 1 },
    });
    try {
      const reply = await client.chat("s", [user("recite")]);
      assert.equal(reply.answer, CHAT_SCRIPTS.copy);
      assert.equal(reply.draftTokens, undefined);
      const status = await client.waitForStatus((s) => s.role === "chat" && s.state === "ready");
      assert.match(status.message ?? "", /is not smaller than the chat model/);
    } finally {
      await client.stop();
    }
  });

  it("drafts in VS Code's chat's steps (LlamaChat): by lookup where the answer copies the prompt, else from the draft model, the answer unchanged", async () => {
    const step = (client: LspTestClient, stepId: string, text: string) =>
      client.connection.sendRequest(LmStepRequest.type, {
        stepId,
        messages: [{ role: "user", text }],
        tools: [],
      });
    const client = await LspTestClient.start({ chat: { model: target(), temperature: 0 }, local: { threads: 1 } });
    try {
      const alone = await step(client, "a", "Say it.");
      assert.equal(alone.text, CHAT_SCRIPTS.copy);
      // Nothing to copy, no draft model: at most a chance match of the template's tokens.
      assert.ok((alone.draftTokens?.accepted ?? 0) <= 4, JSON.stringify(alone.draftTokens));
      // A file the model just read, which its answer repeats.
      const copying = await step(client, "c", `The file holds:\n${CHAT_SCRIPTS.copy}\nSay it again.`);
      assert.equal(copying.text, alone.text);
      assert.ok((copying.draftTokens?.accepted ?? 0) >= CHAT_SCRIPTS.copy.length / 2, JSON.stringify(copying.draftTokens));
    } finally {
      await client.stop();
    }
    const drafting = await LspTestClient.start({
      chat: { model: target(), temperature: 0, draftModel: bigramDraftModelPath("qwen", "copy") },
      local: { threads: 1 },
    });
    try {
      const drafted = await step(drafting, "d", "Say it.");
      assert.equal(drafted.text, CHAT_SCRIPTS.copy);
      assert.ok((drafted.draftTokens?.accepted ?? 0) >= CHAT_SCRIPTS.copy.length / 2, JSON.stringify(drafted.draftTokens));
    } finally {
      await drafting.stop();
    }
  });
});
