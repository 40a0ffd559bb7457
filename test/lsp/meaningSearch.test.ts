/**
 * `hearth/search/meaning` (what VS Code's agent reaches through the hearth_searchCode tool) through the real language
 * server: the agent's index, so secrets files, git-ignored files and links out of the workspace never come back, by
 * words without an embedder (saying how to turn search by meaning on) and by meaning with one; searches at once
 * index each file once.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCodes } from "vscode-languageserver-protocol";
import { MeaningSearchRequest, type MeaningSearchResult } from "../../server/src/shared/searchProtocol";
import { embeddingModelPath } from "../fixtures/gguf/testModels";
import { type Harness, harness, SECRET } from "./agentHarness";

const noModelCalls = () => ({ content: "unused" });

function search(h: Harness, query: string, maxResults?: number): Promise<MeaningSearchResult> {
  return h.client.connection.sendRequest(MeaningSearchRequest.type, { query, maxResults });
}

/** Every hit's path and text: none may come from a secrets file, an ignored file or a link out. */
function assertNothingPrivate(result: MeaningSearchResult): void {
  for (const hit of result.hits) {
    assert.ok(!hit.text.includes(SECRET), `${hit.path} gave the secret`);
    assert.ok(!/^(\.env|build\/|linked\/)/.test(hit.path), `${hit.path} came back`);
  }
}

describe("hearth/search/meaning (the hearth_searchCode tool's request)", function () {
  this.timeout(30_000);

  it("without an embedder: by words, never a secrets, ignored or linked-out file, and says how to search by meaning", async () => {
    const h = await harness(noModelCalls);
    try {
      writeFileSync(
        join(h.folder, "src", "config.ts"),
        "// The sk-live API_KEY is read from the environment.\nexport const keyName = 'API_KEY';\n",
      );
      const result = await search(h, "sk-live API_KEY");
      assert.equal(result.byMeaning, false);
      assert.match(result.notice ?? "", /Hearth: Select Model… → Embedding model .* or set hearth\.agent\.embeddingModel/);
      assert.deepEqual(
        result.hits.map((hit) => [hit.path, hit.uri, hit.startLine, hit.endLine]),
        [["src/config.ts", pathToFileURL(join(h.folder, "src", "config.ts")).href, 1, 2]],
      );
      assertNothingPrivate(result);
    } finally {
      await h.stop();
    }
  });

  it("with an embedder: by meaning (fused with words), still never a secrets or ignored file", async () => {
    const h = await harness(noModelCalls, { agent: { embeddingModel: embeddingModelPath() } });
    try {
      writeFileSync(join(h.folder, "src", "puzzle.ts"), 'export const riddle = "zyx yzx xzy zzz";\n');
      // The nearest text of all (the fixture's vectors are byte histograms), in places that must never come back.
      writeFileSync(join(h.folder, ".env"), `XYZZY=xyzzy ${SECRET}\n`);
      writeFileSync(join(h.folder, "build", "xyzzy.js"), `// xyzzy xyzzy ${SECRET}\n`);
      const result = await search(h, "xyzzy", 3);
      assert.equal(result.byMeaning, true);
      assert.equal(result.notice, undefined);
      assert.equal(result.hits[0]?.path, "src/puzzle.ts", JSON.stringify(result.hits));
      assert.ok(result.hits.length <= 3);
      assertNothingPrivate(result);
    } finally {
      await h.stop();
    }
  });

  it("searches sent at once (an agent's parallel calls) all answer, each file indexed once", async () => {
    const h = await harness(noModelCalls);
    try {
      for (let i = 0; i < 30; i++) writeFileSync(join(h.folder, "src", `module${i}.ts`), `export const value${i} = ${i};\n`);
      const results = await Promise.all([search(h, "value7"), search(h, "value7"), search(h, "value7")]);
      for (const result of results)
        assert.deepEqual(
          result.hits.map((hit) => hit.path),
          ["src/module7.ts"],
        );
    } finally {
      await h.stop();
    }
  });

  it("refuses a request without a query as invalid params", async () => {
    const h = await harness(noModelCalls);
    try {
      await assert.rejects(
        h.client.connection.sendRequest(MeaningSearchRequest.type, { maxResults: 3 } as never),
        (error: { code?: number }) => error.code === ErrorCodes.InvalidParams,
      );
    } finally {
      await h.stop();
    }
  });
});
