/**
 * The catalog's draft pairs for speculative decoding: which chat models name a draft, and that every draft can serve
 * its target (an existing, smaller chat entry of the same family, so the same vocabulary).
 */
import { strict as assert } from "node:assert";
import { CATALOG, type CatalogEntry, catalogDraftFor, downloadedPath } from "../../server/src/models/catalog";
import { draftFits, memoryNeeded } from "../../server/src/models/fit";
import { ModelLocator } from "../../server/src/models/modelLocator";
import { cpuOnlyHardware, type Hardware } from "../../server/src/shared/protocol";
import { parseSettings } from "../../server/src/shared/settingsParser";

const byId = (id: string): CatalogEntry => {
  const entry = CATALOG.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`no catalog entry ${id}`);
  return entry;
};

describe("draft models in the catalog", () => {
  it("pairs the larger Qwen2.5-Coder, R1-Distill and Qwen3 chat models with their family's small model", () => {
    const pairs = Object.fromEntries(CATALOG.filter((e) => e.draft !== undefined).map((e) => [e.id, e.draft]));
    assert.deepEqual(pairs, {
      "deepseek-r1-distill-qwen-7b": "deepseek-r1-distill-qwen-1.5b",
      "deepseek-r1-distill-qwen-14b": "deepseek-r1-distill-qwen-1.5b",
      "qwen2.5-coder-7b-instruct": "qwen2.5-coder-0.5b-instruct",
      "qwen3-4b-instruct-2507": "qwen3-0.6b",
    });
  });

  it("every draft is an existing chat entry of its target's family, smaller, with no draft of its own", () => {
    for (const target of CATALOG.filter((e) => e.draft !== undefined)) {
      const draft = CATALOG.find((e) => e.id === target.draft);
      assert.ok(draft, `${target.id}: its draft ${target.draft} is not in the catalog`);
      assert.equal(target.role, "chat", `${target.id}: only chat models draft`);
      assert.equal(draft.role, "chat", `${draft.id} drafts for ${target.id}`);
      assert.equal(draft.family, target.family, `${draft.id} and ${target.id} must share a vocabulary`);
      assert.ok(draft.parameters < target.parameters, `${draft.id} is not smaller than ${target.id}`);
      assert.ok(draft.sizeBytes < target.sizeBytes, `${draft.id}'s file is not smaller than ${target.id}'s`);
      assert.equal(draft.draft, undefined, `${draft.id} is a draft and names a draft of its own`);
      assert.equal(catalogDraftFor(target), draft);
    }
  });

  it("catalogDraftFor takes an entry or an id, and gives nothing for no draft, an unknown one or another family's", () => {
    assert.equal(catalogDraftFor("qwen2.5-coder-7b-instruct"), byId("qwen2.5-coder-0.5b-instruct"));
    assert.equal(catalogDraftFor(byId("qwen3-4b-instruct-2507")), byId("qwen3-0.6b"));
    assert.equal(catalogDraftFor("qwen3.5-9b"), undefined, "names no draft");
    assert.equal(catalogDraftFor("no-such-model"), undefined);
    const target = byId("qwen2.5-coder-7b-instruct");
    assert.equal(catalogDraftFor({ ...target, draft: "no-such-model" }), undefined);
    assert.equal(catalogDraftFor({ ...target, draft: "qwen3-0.6b" }), undefined, "Qwen3's draft for a Qwen2.5-Coder model");
  });
});

describe("hearth.chat.draftModel: where it points, and whether the pair fits", () => {
  const GiB = 2 ** 30;
  const machine = (vram: number, ram = 32): Hardware => ({
    ...cpuOnlyHardware(ram * GiB),
    backend: vram > 0 ? "cuda" : "cpu",
    freeVramBytes: vram * GiB,
  });
  const settings = (chat: string, draftModel: string) =>
    parseSettings({ models: { directory: "/models" }, chat: { model: chat, draftModel } }).settings;

  it("draftFits counts the target's memory, and keeps a GPU target's draft on the GPU", () => {
    const target = byId("qwen2.5-coder-7b-instruct");
    const draft = byId("qwen2.5-coder-0.5b-instruct");
    const together = memoryNeeded(target) + memoryNeeded(draft);
    assert.equal(draftFits(target, draft, machine((together + 2 ** 20) / GiB)), true);
    // The target alone fits this GPU, the pair doesn't: the draft would spill to the CPU.
    assert.equal(draftFits(target, draft, machine((memoryNeeded(target) + 2 ** 20) / GiB)), false);
    assert.equal(draftFits(target, draft, machine(0, (together / 0.7 + 2 ** 20) / GiB)), true, "both in RAM");
    assert.equal(draftFits(target, draft, machine(0, 2)), false, "nothing fits 2 GiB");
  });

  it("auto takes the catalog's pair for a catalog chat model when both fit, and nothing otherwise", async () => {
    const roomy = new ModelLocator(async () => machine(24, 64));
    const located = await roomy.locateDraft(settings("qwen2.5-coder-7b-instruct", "auto"));
    const draft = byId("qwen2.5-coder-0.5b-instruct");
    assert.equal(located?.missingDownload?.file, draft.file);
    assert.equal(located?.path, downloadedPath("/models", draft.repo, draft.file));
    assert.equal(await roomy.locateDraft(settings("/models/my.gguf", "auto")), undefined, "a file of one's own: no pair known");
    assert.equal(await roomy.locateDraft(settings("qwen2.5-coder-7b-instruct", "")), undefined, "empty: none");
    const tight = new ModelLocator(async () => machine(0, 4));
    assert.equal(await tight.locateDraft(settings("qwen2.5-coder-7b-instruct", "auto")), undefined, "no room beside it");
  });

  it("a catalog id, hf: URI or path is taken as it is", async () => {
    const locator = new ModelLocator(async () => machine(0, 4));
    assert.deepEqual(await locator.locateDraft(settings("auto", "/models/d.gguf")), { path: "/models/d.gguf" });
    const draft = byId("qwen3-0.6b");
    assert.equal((await locator.locateDraft(settings("auto", "qwen3-0.6b")))?.missingDownload?.file, draft.file);
  });
});
