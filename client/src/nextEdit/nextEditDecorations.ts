/**
 * How next edits are drawn: the text an edit removes struck through on the diff editor's red, the text it puts in
 * beside it on the diff editor's green, a gutter arrow on its line, and, when it is off screen, a hint at the
 * cursor. Theme colours, so light, dark and high-contrast themes each look right. (VS Code's own inline-edit API is
 * proposed and closed to extensions, so the diff is drawn with decorations.)
 */
import * as vscode from "vscode";
import { type SuggestedEdit, shownText } from "./suggestedEdits";

export class NextEditDecorations implements vscode.Disposable {
  private readonly removed = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor("diffEditor.removedTextBackground"),
    textDecoration: "line-through",
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({
    after: {
      backgroundColor: new vscode.ThemeColor("diffEditor.insertedTextBackground"),
      color: new vscode.ThemeColor("editor.foreground"),
      margin: "0 0 0 1px",
    },
  });
  private readonly gutter: vscode.TextEditorDecorationType;
  private readonly hint = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor("editorCodeLens.foreground"), margin: "0 0 0 2em", fontStyle: "italic" },
  });

  constructor(extensionUri: vscode.Uri) {
    this.gutter = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, "media", "next-edit.svg"),
      gutterIconSize: "80%",
      overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.addedForeground"),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    });
  }

  /** Draws `edits` (offsets into the editor's document); `target` is the one Tab goes to. */
  show(editor: vscode.TextEditor, edits: readonly SuggestedEdit[], target: number): void {
    const document = editor.document;
    const rangeOf = (edit: SuggestedEdit) => new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end));
    const hover = new vscode.MarkdownString("**Hearth: next edit.** Tab jumps to it, Tab again accepts it, Esc dismisses.");
    editor.setDecorations(
      this.removed,
      edits.filter((edit) => edit.end > edit.start).map((edit) => ({ range: rangeOf(edit), hoverMessage: hover })),
    );
    editor.setDecorations(
      this.inserted,
      edits
        .filter((edit) => edit.text !== "")
        .map((edit) => ({
          range: new vscode.Range(document.positionAt(edit.end), document.positionAt(edit.end)),
          hoverMessage: hover,
          renderOptions: { after: { contentText: shownText(edit.text) } },
        })),
    );
    editor.setDecorations(
      this.gutter,
      edits.map((edit) => new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.start))),
    );
    const goal = edits[target];
    const goalLine = goal === undefined ? undefined : document.positionAt(goal.start).line;
    const onScreen =
      goalLine !== undefined && editor.visibleRanges.some((range) => range.start.line <= goalLine && goalLine <= range.end.line);
    const cursorLine = editor.selection.active.line;
    editor.setDecorations(
      this.hint,
      goalLine === undefined || (onScreen && Math.abs(goalLine - cursorLine) <= 1)
        ? []
        : [
            {
              range: new vscode.Range(cursorLine, Number.MAX_SAFE_INTEGER, cursorLine, Number.MAX_SAFE_INTEGER),
              renderOptions: { after: { contentText: `Tab ⇥ next edit on line ${goalLine + 1}` } },
            },
          ],
    );
  }

  /** Only a hint at the cursor: the next edits are in another file (`where`, e.g. `report.ts:3`); Tab goes there. */
  showElsewhere(editor: vscode.TextEditor, where: string): void {
    for (const type of [this.removed, this.inserted, this.gutter]) editor.setDecorations(type, []);
    const line = editor.selection.active.line;
    editor.setDecorations(this.hint, [
      {
        range: new vscode.Range(line, Number.MAX_SAFE_INTEGER, line, Number.MAX_SAFE_INTEGER),
        renderOptions: { after: { contentText: `Tab ⇥ next edit in ${where}` } },
      },
    ]);
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of [this.removed, this.inserted, this.gutter, this.hint]) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of [this.removed, this.inserted, this.gutter, this.hint]) type.dispose();
  }
}
