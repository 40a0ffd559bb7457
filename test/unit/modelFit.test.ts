import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CATALOG, resolveModelSource } from "../../server/src/models/catalog";
import { fitOf, memoryNeeded, recommend, runsFastOnCpu } from "../../server/src/models/fit";
import { ModelLocator } from "../../server/src/models/modelLocator";
import { parseSettings } from "../../server/src/shared/settingsParser";

const GiB = 2 ** 30;
const machine = (vram: number, ram = 32) => ({
  backend: vram === 0 ? "cpu" : "cuda",
  freeVramBytes: vram * GiB,
  freeRamBytes: ram * GiB,
});

describe("model catalog and hardware fit", () => {
  it("has base models for completion and instruct/reasoning models for chat", () => {
    const ids = (role: string) => CATALOG.filter((e) => e.role === role).map((e) => e.id);
    assert.deepEqual(ids("completion"), [
      "qwen2.5-coder-0.5b",
      "qwen2.5-coder-1.5b",
      "qwen2.5-coder-3b",
      "qwen2.5-coder-7b",
      "deepseek-coder-1.3b-base",
      "deepseek-coder-6.7b-base",
      "qwen2.5-coder-14b",
      "deepseek-coder-v2-lite-base",
      "seed-coder-8b-base",
      "mellum-4b-base",
      "qwen3-coder-30b-a3b",
    ]);
    assert.ok(ids("chat").includes("deepseek-r1-distill-qwen-14b") && ids("chat").includes("qwen2.5-coder-7b-instruct"));
    assert.deepEqual(ids("nextEdit"), ["sweep-next-edit-1.5b", "sweep-next-edit-0.5b", "zeta-2.1"]);
    assert.ok(CATALOG.every((e) => e.file.endsWith(".gguf") && /^[\w.-]+\/[\w.-]+$/.test(e.repo)));
    assert.ok(
      CATALOG.every((e) => ["completion", "chat", "nextEdit", "embedding"].includes(e.role) && e.license !== "" && e.why !== ""),
    );
    assert.equal(new Set(CATALOG.map((e) => e.id)).size, CATALOG.length, "ids are unique");
    assert.ok(
      CATALOG.every((e) => e.sha256 === undefined || /^[0-9a-f]{64}$/.test(e.sha256)),
      "pinned checksums are SHA-256",
    );
    assert.ok(CATALOG.every((e) => (e.activeParameters ?? e.parameters) <= e.parameters));
    assert.ok(
      CATALOG.filter((e) => e.role === "completion").every((e) => !/instruct|r1/i.test(e.id)),
      "no instruct model for FIM",
    );
  });

  it("names small embedders for the agent's search, each fitting anywhere, never recommended as a model", () => {
    const embedders = CATALOG.filter((e) => e.role === "embedding");
    assert.deepEqual(
      embedders.map((e) => e.id),
      ["bge-small-en-v1.5", "nomic-embed-text-v1.5", "qwen3-embedding-0.6b"],
    );
    for (const entry of embedders) {
      assert.ok(memoryNeeded(entry) < GiB, entry.id);
      assert.equal(fitOf(entry, machine(0, 4)), "cpu", entry.id);
    }
    assert.equal(CATALOG.find((e) => e.id === "nomic-embed-text-v1.5")?.embeddingPrefixes?.query, "search_query: ");
    for (const vram of [0, 4, 8, 24]) {
      const r = recommend(machine(vram, 16));
      assert.ok([r.completion?.role, r.chat?.role].every((role) => role !== "embedding"));
    }
  });

  it("resolves hearth.agent.embeddingModel: a catalog id to its file and prefixes, a missing one as a download", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hearth-embedders-"));
    try {
      const locator = new ModelLocator(async () => machine(0, 8));
      const settings = (embeddingModel: string) => parseSettings({ models: { directory }, agent: { embeddingModel } }).settings;
      const nomic = await locator.locateEmbedding(settings("nomic-embed-text-v1.5"));
      const file = join(directory, "nomic-ai__nomic-embed-text-v1.5-GGUF", "nomic-embed-text-v1.5.Q8_0.gguf");
      assert.equal(nomic.path, file);
      assert.deepEqual(nomic.embeddingPrefixes, { query: "search_query: ", document: "search_document: " });
      assert.equal(nomic.missingDownload?.repo, "nomic-ai/nomic-embed-text-v1.5-GGUF");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, "");
      assert.equal((await locator.locateEmbedding(settings("nomic-embed-text-v1.5"))).missingDownload, undefined);
      assert.deepEqual(await locator.locateEmbedding(settings("/models/e.gguf")), { path: "/models/e.gguf" });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  const picks = (vram: number, ram = 32) => {
    const r = recommend(machine(vram, ram));
    return [r.completion?.id, r.chat?.id, r.chatOnDemand];
  };

  it("CPU only, 8 GB RAM: small and fast", () => {
    assert.deepEqual(picks(0, 8), ["qwen2.5-coder-1.5b", "qwen3-4b-instruct-2507", false]);
  });
  it("4 GB GPU: a small pair on the GPU", () => {
    assert.deepEqual(picks(4), ["qwen2.5-coder-0.5b", "deepseek-r1-distill-qwen-1.5b", false]);
  });
  it("8 GB GPU: 1.5B completion beside a 4-bit 7B chat model", () => {
    assert.deepEqual(picks(8), ["qwen2.5-coder-1.5b", "deepseek-r1-distill-qwen-7b", false]);
  });
  it("16 GB GPU: a small completion model beside gpt-oss-20b (DeepSeek 6.7B is 8-bit now, too big)", () => {
    assert.deepEqual(picks(16), ["qwen2.5-coder-1.5b", "gpt-oss-20b", false]);
  });
  it("CPU only: a mixture of experts with few active parameters where it fits (gpt-oss-20b, 3.6B active), else 7B", () => {
    assert.deepEqual(picks(0, 16), ["qwen2.5-coder-1.5b", "deepseek-r1-distill-qwen-7b", false]);
    assert.deepEqual(picks(0, 24), ["qwen2.5-coder-1.5b", "gpt-oss-20b", false]);
    assert.deepEqual(picks(0, 64), ["qwen2.5-coder-1.5b", "gpt-oss-20b", false]);
  });
  it("never picks a model marked autoPick false: non-commercial, unchecked, or handling still to come", () => {
    for (const vram of [0, 4, 8, 12, 16, 24, 48, 80]) {
      const r = recommend(machine(vram, 64));
      for (const entry of [r.completion, r.chat]) assert.notEqual(entry?.autoPick, false, `${entry?.id} at ${vram} GB`);
    }
  });
  it("judges a mixture-of-experts model's speed on the CPU by its active parameters", () => {
    assert.equal(runsFastOnCpu({ role: "completion", parameters: 3 }), false);
    assert.equal(runsFastOnCpu({ role: "completion", parameters: 16, activeParameters: 1.2 }), true);
    assert.equal(runsFastOnCpu({ role: "chat", parameters: 30.5, activeParameters: 3.3 }), true);
    assert.equal(CATALOG.find((e) => e.id === "qwen3-coder-30b-a3b")?.activeParameters, 3.3);
  });
  it("the chosen pair always fits together when not on demand", () => {
    for (const vram of [4, 8, 16, 24]) {
      const r = recommend(machine(vram));
      if (!r.completion || !r.chat || r.chatOnDemand) continue;
      assert.ok(memoryNeeded(r.completion) + memoryNeeded(r.chat) <= vram * GiB, `${vram} GB`);
    }
  });
  it("marks models that don't fit", () => {
    const big = CATALOG.find((e) => e.id === "deepseek-r1-distill-qwen-14b")!;
    assert.equal(fitOf(big, machine(24)), "gpu");
    assert.equal(fitOf(big, machine(4, 16)), "partial");
    assert.equal(fitOf(big, machine(0, 4)), "too-large");
  });

  it("reads a model setting as an id, an hf: URI, a path or auto", () => {
    const auto = CATALOG[1];
    assert.deepEqual(resolveModelSource("qwen2.5-coder-1.5b", "/m", undefined), {
      kind: "hub",
      repo: "ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF",
      file: "qwen2.5-coder-1.5b-q8_0.gguf",
      path: "/m/ggml-org__Qwen2.5-Coder-1.5B-Q8_0-GGUF/qwen2.5-coder-1.5b-q8_0.gguf",
      entry: auto,
    });
    assert.equal(resolveModelSource("auto", "/m", auto).kind, "hub");
    assert.deepEqual(resolveModelSource("hf:a/b/c.gguf", "/m", undefined), {
      kind: "hub",
      repo: "a/b",
      file: "c.gguf",
      path: "/m/a__b/c.gguf",
    });
    assert.deepEqual(resolveModelSource("/x/y.gguf", "/m", undefined), { kind: "path", path: "/x/y.gguf" });
    assert.deepEqual(resolveModelSource("auto", "/m", undefined), { kind: "path", path: "" });
  });
});
