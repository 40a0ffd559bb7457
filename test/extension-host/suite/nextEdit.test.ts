/**
 * Next edits in the extension host: the client forwards the errors and warnings VS Code shows near the cursor (from
 * any provider: here a diagnostic collection of the test's own), and the instruct format's prompt lists them. The
 * chat model the launcher sets serves next edits in that format, as it does for a user with no next-edit model.
 * What the client forwards is checked on its own too: at most NEXT_EDIT_MAX_DIAGNOSTICS, the nearest first.
 */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { HearthApi } from "../../../client/src/extension";
import { nearbyDiagnostics } from "../../../client/src/nextEdit/nearbyDiagnostics";
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

  it("forward at most 20 errors and warnings within 40 lines, the nearest first", async () => {
    const problems = vscode.languages.createDiagnosticCollection("hearth-test-cap");
    try {
      const document = await vscode.workspace.openTextDocument({ language: "typescript", content: "x\n".repeat(200) });
      const at = (line: number, severity: vscode.DiagnosticSeverity) =>
        new vscode.Diagnostic(new vscode.Range(line, 0, line, 1), `line ${line}`, severity);
      const lines = (cursor: number) =>
        nearbyDiagnostics(document.uri, new vscode.Position(cursor, 0), (diagnostic) => ({
          range: {
            start: { line: diagnostic.range.start.line, character: 0 },
            end: { line: diagnostic.range.end.line, character: 1 },
          },
          message: diagnostic.message,
        })).map((diagnostic) => diagnostic.range.start.line);
      // 30 warnings on the even lines 70 to 128, and a hint; the cursor on line 101, so no two are equally near.
      const warnings = Array.from({ length: 30 }, (_, k) => at(70 + 2 * k, vscode.DiagnosticSeverity.Warning));
      problems.set(document.uri, [...warnings, at(101, vscode.DiagnosticSeverity.Hint)]);
      const capped = lines(101);
      assert.deepEqual(
        capped,
        [100, 102, 98, 104, 96, 106, 94, 108, 92, 110, 90, 112, 88, 114, 86, 116, 84, 118, 82, 120],
        "the 20 nearest warnings, nearest first; the hint left out",
      );
      // Under the cap: 40 lines away is near, 41 is not, on either side.
      const severity = vscode.DiagnosticSeverity;
      problems.set(document.uri, [
        at(60, severity.Warning),
        at(141, severity.Error),
        at(59, severity.Error),
        at(140, severity.Warning),
      ]);
      assert.deepEqual(
        lines(100).sort((a, b) => a - b),
        [60, 140],
      );
    } finally {
      problems.dispose();
    }
  });
});
