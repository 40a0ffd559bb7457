/**
 * A seeded storm of edits, cursor moves, completion requests and cancellations against the real server
 * (bigram model): no crash, no unhandled rejection, every request settles, every suggestion is right for the
 * document as it was when asked (never one computed for another state), and no backlog of model work.
 *
 *   HEARTH_FUZZ_EVENTS=10000 HEARTH_FUZZ_SEED=7 npx mocha test/lsp/fuzz.test.ts   (other sizes and seeds)
 */
import { strict as assert } from "node:assert";
import { TextDocument } from "vscode-languageserver-textdocument";
import { predictBigramText } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

const EVENTS = Number(process.env.HEARTH_FUZZ_EVENTS ?? 10_000);
const SEED = Number(process.env.HEARTH_FUZZ_SEED ?? 20261128);
const SNIPPETS = [
  "ret",
  "t",
  "(",
  ")",
  "~",
  "x",
  " ",
  "  ",
  "\n",
  "\t",
  "{",
  "}",
  "é",
  "中文",
  "😀",
  "a😀",
  ";",
  "print(",
  "\r\n",
];

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fuzz: a seeded storm of edits and requests", function () {
  this.timeout(20 * 60_000);

  // Without speculation every rule is strict; with it, a cached answer may also come from a speculated state, so the
  // "edited while computed" rule gives way to the exact-prediction rule (which still holds).
  for (const speculate of [false, true]) {
    const events = speculate ? Math.ceil(EVENTS / 2) : EVENTS;
    it(`survives ${events} events (seed ${SEED}, speculation ${speculate ? "on" : "off"}) with every answer right and no backlog`, async () => {
      const rand = random(SEED);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
      const client = await LspTestClient.start({
        completion: { model: bigramModelPath("qwen"), maxTokens: 16, timeoutMs: 1000, speculate },
        local: { threads: 1 },
      });
      const uris = ["file:///fuzz/a.ts", "file:///fuzz/b.py", "file:///fuzz/c.md"];
      const mirror = new Map<string, TextDocument>();
      const open = async (uri: string) => {
        const text = "function add(a, b) {\n  ret\n}\n";
        mirror.set(uri, TextDocument.create(uri, "typescript", 1, text));
        await client.open(uri, text);
      };
      for (const uri of uris) await open(uri);
      await client.waitForStatus((s) => s.role === "completion" && s.state === "ready");

      /** Suggestions already answered for an exact (document, position): the only ones the cache may repeat. */
      const answered = new Map<string, string>();
      const pending = new Set<Promise<void>>();
      const failures: string[] = [];
      let settled = 0;
      let suggestions = 0;
      let requests = 0;

      const randomPosition = (document: TextDocument) =>
        document.positionAt(Math.floor(rand() * (document.getText().length + 1)));
      const edit = async (uri: string) => {
        const document = mirror.get(uri)!;
        const start = randomPosition(document);
        const deleting = rand() < 0.3;
        const startOffset = document.offsetAt(start);
        const end = deleting ? document.positionAt(startOffset + 1 + Math.floor(rand() * 5)) : start;
        const text = deleting ? "" : pick(SNIPPETS);
        const range = { start, end };
        mirror.set(uri, TextDocument.update(document, [{ range, text }], document.version + 1));
        await client.change(uri, range, text);
      };
      /** Half the time right after a character the model continues (t, (, ~, x), so many requests get suggestions. */
      const requestPosition = (document: TextDocument) => {
        const text = document.getText();
        const anchors = [...text.matchAll(/[t(~x]/g)].map((match) => (match.index ?? 0) + 1);
        return anchors.length > 0 && rand() < 0.5 ? document.positionAt(pick(anchors)) : randomPosition(document);
      };
      const request = (uri: string, thenEdit: boolean) => {
        const document = mirror.get(uri)!;
        const position = requestPosition(document);
        const blockStart = { line: position.line - (position.line % 16), character: 0 };
        const blockPrefix = document.getText({ start: blockStart, end: position }).replace(/\r\n|\r/g, "\n");
        const state = `${uri}\u0000${document.version}\u0000${document.getText()}\u0000${position.line}:${position.character}`;
        const stateByText = `${uri}\u0000${document.getText()}\u0000${position.line}:${position.character}`;
        const explicit = rand() < 0.4;
        const cancelAfterMs = rand() < 0.3 ? Math.floor(rand() * 30) : undefined;
        requests++;
        const promise = client
          .complete(uri, position.line, position.character, { explicit, cancelAfterMs })
          .then(
            (list) => {
              const item = list?.items[0]?.insertText;
              const text = typeof item === "string" ? item : item?.value;
              if (text === undefined) return;
              suggestions++;
              // The bigram model's answer depends only on the prompt's last token: the last byte before the cursor
              // within its 16-line block (which goes after the FIM middle token), or that token itself.
              const expected = predictBigramText("qwen", blockPrefix === "" ? "fim-middle" : blockPrefix);
              if (!expected.startsWith(text))
                failures.push(`${state}: got ${JSON.stringify(text)}, expected a prefix of ${JSON.stringify(expected)}`);
              // Edited while it was computed: only a repeat of an earlier answer for the same text may come back.
              if (thenEdit && !speculate && answered.get(stateByText) !== text)
                failures.push(`${state}: a suggestion computed for an edited document`);
              answered.set(stateByText, text);
            },
            (error: Error) => {
              // Cancellation is an answer; anything else is a failure.
              if (!/cancel/i.test(error.message)) failures.push(`${state}: ${error.message}`);
            },
          )
          .finally(() => {
            settled++;
            pending.delete(promise);
          });
        pending.add(promise);
        return promise;
      };

      for (let event = 0; event < events; event++) {
        const uri = pick(uris);
        const roll = rand();
        if (roll < 0.4) await edit(uri);
        else if (roll < 0.85) {
          // Half the requests are awaited (a pause in typing), half are overtaken by what comes next (a storm).
          const answer = request(uri, false);
          if (rand() < 0.5) await answer;
        } else if (roll < 0.97) {
          request(uri, true);
          await edit(uri);
        } else {
          await client.close(uri);
          await open(uri);
        }
        if (pending.size > 12) await Promise.race(pending);
        if (rand() < 0.1) await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * 5)));
      }
      const drained = Promise.all(pending);
      await Promise.race([
        drained,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${pending.size} requests never settled`)), 60_000)),
      ]);

      // A speculation started by the last answer may still be running; it ends on its own.
      let load = await client.engineLoad();
      for (let wait = 0; wait < 200 && load.liveCompletions > 0; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        load = await client.engineLoad();
      }
      const unhandled = client.logs.join("").match(/Unhandled rejection|Inline completion failed/g) ?? [];
      // The document still completes exactly after the storm.
      await client.open("file:///fuzz/final.ts", "  ret\n");
      const finalText = await client.completionText("file:///fuzz/final.ts", 0, 5);
      await client.stop();

      console.log(
        `      ${events} events: ${requests} requests (${settled} settled, ${suggestions} suggestions), ${load.completions} model calls (+${load.speculativeCompletions} speculative), at most ${load.maxLiveCompletions} live at once`,
      );
      assert.deepEqual(failures.slice(0, 5), []);
      assert.deepEqual(unhandled, []);
      assert.equal(settled, requests);
      assert.ok(
        load.maxLiveCompletions <= uris.length,
        `at most one live model call per document, saw ${load.maxLiveCompletions}`,
      );
      assert.equal(load.liveCompletions, 0);
      assert.equal(finalText, "urn a+b;");
    });
  }
});
