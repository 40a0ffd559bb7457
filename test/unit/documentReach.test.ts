import { strict as assert } from "node:assert";
import { unservedReason } from "../../client/src/documentReach";

describe("which documents Hearth serves", () => {
  it("serves files, unsaved files and Jupyter notebooks' cells", () => {
    assert.equal(unservedReason("file"), undefined);
    assert.equal(unservedReason("untitled"), undefined);
    assert.equal(unservedReason("vscode-notebook-cell", "jupyter-notebook"), undefined);
  });

  it("says why another scheme or notebook type gets nothing", () => {
    assert.match(unservedReason("git") ?? "", /^git: documents get no suggestions: Hearth's language server reads files/);
    assert.match(unservedReason("vscode-notebook-cell", "github-issues") ?? "", /cells of github-issues notebook get no/);
  });
});
