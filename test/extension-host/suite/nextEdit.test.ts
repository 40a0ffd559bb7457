/**
 * Next edits in the extension host: the client forwards the errors and warnings VS Code shows near the cursor (from
 * any provider: here a diagnostic collection of the test's own), and the instruct format's prompt lists them. The
 * chat model the launcher sets serves next edits in that format, as it does for a user with no next-edit model.
 */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { HearthApi } from "../../../client/src/extension";
import { LastNextEditRequest, type NextEditReport } from "../../../server/src/shared/protocol";

describe("Hearth's next edits in the extension host", () => {
  it("forward the errors and warnings near the cursor, which the instruct format lists", async () => {
    const extension = vscode.extensions.getExtension<HearthApi>("hearth.hearth");
    assert.ok(extension);
    const { hearth } = await extension.activate();
    const config = vscode.workspace.getConfiguration("hearth");
    await config.update("nextEdit.format", "instruct", vscode.ConfigurationTarget.Global);
    await config.update("nextEdit.maxTokens", 4, vscode.ConfigurationTarget.Global);
    const problems = vscode.languages.createDiagnosticCollection("hearth-test");
    try {
      // Sixty lines: a warning at the end is too far from the cursor to be forwarded.
      const content = `const total = 3;\nconsole.log(totl);\n${"// filler\n".repeat(57)}let unused = 1;\n`;
      const document = await vscode.workspace.openTextDocument({ language: "typescript", content });
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      const error = new vscode.Diagnostic(
        new vscode.Range(1, 12, 1, 16),
        "Cannot find name 'totl'.",
        vscode.DiagnosticSeverity.Error,
      );
      error.source = "ts";
      const note = new vscode.Diagnostic(
        new vscode.Range(0, 0, 0, 5),
        "an information note",
        vscode.DiagnosticSeverity.Information,
      );
      const far = new vscode.Diagnostic(new vscode.Range(59, 4, 59, 10), "a far warning", vscode.DiagnosticSeverity.Warning);
      problems.set(document.uri, [note, far, error]);
      // The server pulls the new settings after the change notification: ask until the instruct prompt comes back.
      const deadline = Date.now() + 30_000;
      let report: NextEditReport | null | undefined;
      while (!report?.promptText.includes("## Problems") && Date.now() < deadline) {
        await vscode.commands.executeCommand("hearth.nextEdit.suggest");
        report = await hearth.languageClient?.sendRequest(LastNextEditRequest.type);
        if (!report?.promptText.includes("## Problems")) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(report?.format, "instruct", JSON.stringify(report));
      assert.ok(report?.promptText.includes("## Problems\n\n- error (ts): Cannot find name 'totl'.\n  in: console.log(totl);"));
      assert.ok(!report?.promptText.includes("information note"), "only errors and warnings are forwarded");
      // The client sends those within 40 lines, and the prompt keeps those around the window: both leave this out.
      assert.ok(!report?.promptText.includes("a far warning"), "only those near the cursor");
    } finally {
      problems.dispose();
      await config.update("nextEdit.format", undefined, vscode.ConfigurationTarget.Global);
      await config.update("nextEdit.maxTokens", undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
    }
  });
});
