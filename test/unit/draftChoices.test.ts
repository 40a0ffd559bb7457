import { strict as assert } from "node:assert";
import { draftAutoText, draftChoices, draftFitText, draftsFor } from "../../client/src/models/draftChoices";
import type { CatalogListing } from "../../server/src/shared/protocol";

type Model = CatalogListing["models"][number];
const model = (id: string, role: Model["role"], draft?: string): Model => ({
  id,
  role,
  repo: `r/${id}`,
  file: `${id}.gguf`,
  parameters: 1,
  sizeBytes: 1,
  memoryBytes: 1,
  why: "",
  license: "MIT",
  fit: "gpu",
  downloaded: false,
  draft,
});

const listing: CatalogListing = {
  hardware: { backend: "cpu", freeVramBytes: 0, freeRamBytes: 1, totalRamBytes: 1, cpuCores: 2 } as CatalogListing["hardware"],
  recommended: { chat: "coder-7b", chatOnDemand: false },
  models: [
    model("coder-0.5b", "chat"),
    model("coder-7b", "chat", "coder-0.5b"),
    model("qwen3-0.6b", "chat"),
    model("qwen3-4b", "chat", "qwen3-0.6b"),
    model("r1-7b", "chat"),
    model("fim-0.5b", "completion"),
  ],
  modelsDirectory: "/m",
  endpoint: "https://hub",
};

describe("the draft model's choices in Select Model", () => {
  it("offers the catalog's drafts, the chat model's pair first", () => {
    const choices = draftChoices(listing, "qwen3-4b");
    assert.equal(choices.chatModel?.id, "qwen3-4b");
    assert.equal(choices.pair?.id, "qwen3-0.6b");
    assert.deepEqual(
      choices.candidates.map((m) => m.id),
      ["qwen3-0.6b", "coder-0.5b"],
    );
  });

  it("follows auto to the recommended chat model", () => {
    assert.equal(draftChoices(listing, "auto").pair?.id, "coder-0.5b");
  });

  it("has no pair for a chat model without one, a local file or a non-chat id", () => {
    for (const setting of ["r1-7b", "/models/mine.gguf", "fim-0.5b"]) {
      const choices = draftChoices(listing, setting);
      assert.equal(choices.pair, undefined, setting);
      assert.deepEqual(
        choices.candidates.map((m) => m.id),
        ["coder-0.5b", "qwen3-0.6b"],
      );
    }
  });

  it("names the chat models a draft serves", () => {
    assert.deepEqual(draftsFor(listing, listing.models[0]), ["coder-7b"]);
  });

  it("judges the pair's fit beside the chat model, as auto does, and says when auto takes none", () => {
    const withFit = (fits: boolean | undefined): CatalogListing => ({
      ...listing,
      models: listing.models.map((m) => (m.id === "qwen3-4b" ? { ...m, draftFits: fits } : m)),
    });
    const fitting = draftChoices(withFit(true), "qwen3-4b");
    const pair = fitting.pair as Model;
    assert.equal(draftFitText(fitting, pair, "fits the GPU"), "fits beside qwen3-4b");
    assert.equal(draftAutoText(fitting), "the catalog's pair for qwen3-4b: qwen3-0.6b, when both fit");
    const tight = draftChoices(withFit(false), "qwen3-4b");
    assert.equal(draftFitText(tight, tight.pair as Model, "fits the GPU"), "does not fit beside qwen3-4b on this machine");
    assert.match(draftAutoText(tight), /qwen3-0\.6b, which does not fit beside it here: auto takes none/);
    // Another candidate drafts for other chat models: its own fit.
    const other = tight.candidates.find((m) => m.id === "coder-0.5b") as Model;
    assert.equal(draftFitText(tight, other, "fits the GPU"), "fits the GPU");
    assert.equal(draftFitText(draftChoices(withFit(undefined), "qwen3-4b"), pair, "fits the GPU"), "fits the GPU");
  });
});
