/**
 * The catalog's draft pairs for speculative decoding: which chat models name a draft, and that every draft can serve
 * its target (an existing, smaller chat entry of the same family, so the same vocabulary).
 */
import { strict as assert } from "node:assert";
import { CATALOG, type CatalogEntry, catalogDraftFor } from "../../server/src/models/catalog";

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
