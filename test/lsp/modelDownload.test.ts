/**
 * A catalog model end to end over LSP: not downloaded → a status that offers the download; the catalog listing;
 * the download from a loopback hub with progress; then completions from the downloaded file.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CatalogRequest,
  type ModelDownloadProgress,
  ModelDownloadProgressNotification,
  ModelDownloadRequest,
} from "../../server/src/shared/protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LoopbackHub } from "../fixtures/loopbackHub";
import { LspTestClient } from "./lspTestClient";

describe("catalog models over LSP (loopback hub)", function () {
  this.timeout(60_000);

  it("offers the download, downloads with progress, then completes from the downloaded model", async () => {
    const hub = await LoopbackHub.start();
    // The catalog's Qwen2.5-Coder 0.5B entry, served by the hub stand-in with the bigram model's bytes.
    hub.addFile("ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF", "qwen2.5-coder-0.5b-q8_0.gguf", bigramModelPath("qwen"));
    const directory = mkdtempSync(join(tmpdir(), "hearth-models-"));
    const client = await LspTestClient.start({
      completion: { model: "qwen2.5-coder-0.5b" },
      models: { directory, endpoint: hub.endpoint },
      local: { threads: 1 },
    });
    try {
      await client.open("file:///d.ts", "  ret\n");
      const status = await client.waitForStatus((s) => s.role === "completion" && s.state === "error");
      assert.match(status.message ?? "", /qwen2\.5-coder-0\.5b-q8_0\.gguf is not downloaded yet/);
      assert.deepEqual(status.download, {
        repo: "ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF",
        file: "qwen2.5-coder-0.5b-q8_0.gguf",
        sizeBytes: 531000000,
      });
      assert.equal(hub.requests.length, 0, "nothing is fetched before the user agrees");

      const catalog = await client.connection.sendRequest(CatalogRequest.type);
      assert.equal(catalog.endpoint, hub.endpoint);
      assert.equal(catalog.modelsDirectory, directory);
      const before = catalog.models.find((m) => m.id === "qwen2.5-coder-0.5b");
      assert.ok(before && !before.downloaded);
      assert.ok(before.memoryBytes > before.sizeBytes, "before download: the catalog size plus an overhead");
      // Chat models with a catalog draft say whether both fit together (what hearth.chat.draftModel `auto` asks), others don't.
      const paired = catalog.models.filter((m) => m.draft !== undefined);
      assert.ok(paired.length > 0 && paired.every((m) => typeof m.draftFits === "boolean"));
      assert.ok(catalog.models.filter((m) => m.draft === undefined).every((m) => m.draftFits === undefined));

      const progress: ModelDownloadProgress[] = [];
      client.connection.onNotification(ModelDownloadProgressNotification.type, (p) => {
        progress.push(p);
      });
      const result = await client.connection.sendRequest(ModelDownloadRequest.type, {
        repo: status.download!.repo,
        file: status.download!.file,
      });
      assert.equal(result.path, join(directory, "ggml-org__Qwen2.5-Coder-0.5B-Q8_0-GGUF", "qwen2.5-coder-0.5b-q8_0.gguf"));
      assert.ok(progress.length > 0 && progress.at(-1)?.receivedBytes === progress.at(-1)?.totalBytes);

      await client.waitForStatus((s) => s.role === "completion" && s.state === "ready");
      assert.equal(await client.completionText("file:///d.ts", 0, 5), "urn a+b;");
      const after = await client.connection.sendRequest(CatalogRequest.type);
      const downloaded = after.models.find((m) => m.id === "qwen2.5-coder-0.5b");
      assert.ok(downloaded?.downloaded);
      // Downloaded, the file's own header says what it needs: the tiny stand-in is far below the catalog's figure.
      assert.ok(downloaded.memoryBytes > 0 && downloaded.memoryBytes < 100 * 2 ** 20, `${downloaded.memoryBytes} bytes`);
    } finally {
      await client.stop();
      await hub.stop();
    }
  });
  it("refuses a hub file whose checksum differs from the one the catalog pins, before downloading it", async () => {
    const hub = await LoopbackHub.start();
    // The catalog pins DeepSeek-Coder 1.3B's SHA-256; the stand-in serves other bytes under that name.
    hub.addFile("icycodes/deepseek-coder-1.3b-base-Q8_0-GGUF", "deepseek-coder-1.3b-base-q8_0.gguf", bigramModelPath("deepseek"));
    const directory = mkdtempSync(join(tmpdir(), "hearth-models-"));
    const client = await LspTestClient.start({ models: { directory, endpoint: hub.endpoint }, local: { threads: 1 } });
    try {
      await assert.rejects(
        client.connection.sendRequest(ModelDownloadRequest.type, {
          repo: "icycodes/deepseek-coder-1.3b-base-Q8_0-GGUF",
          file: "deepseek-coder-1.3b-base-q8_0.gguf",
        }),
        /not the file Hearth's catalog names/,
      );
      assert.ok(
        hub.requests.every((request) => !request.url.includes("/resolve/")),
        `no file bytes fetched: ${JSON.stringify(hub.requests)}`,
      );
    } finally {
      await client.stop();
      await hub.stop();
    }
  });
});
