import { strict as assert } from "node:assert";
import { unservedReason } from "../../client/src/documentReach";

describe("which documents Hearth serves", () => {
  it("serves files, unsaved files and Jupyter notebooks' cells", () => {
    assert.equal(unservedReason("file"), undefined);
    assert.equal(unservedReason("untitled"), undefined);
    assert.equal(unservedReason("vscode-notebook-cell", { type: "jupyter-notebook", scheme: "file" }), undefined);
    assert.equal(unservedReason("vscode-notebook-cell", { type: "jupyter-notebook", scheme: "untitled" }), undefined);
  });

  it("says why another scheme or notebook type gets nothing", () => {
    assert.match(unservedReason("git") ?? "", /^git: documents get no suggestions: Hearth's language server reads files/);
    assert.match(
      unservedReason("vscode-notebook-cell", { type: "github-issues", scheme: "file" }) ?? "",
      /cells of github-issues notebook get no/,
    );
    assert.match(
      unservedReason("vscode-notebook-cell", { type: "jupyter-notebook", scheme: "vscode-remote" }) ?? "",
      /cells of vscode-remote: notebooks get no suggestions/,
    );
  });
});
