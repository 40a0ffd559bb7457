/**
 * The context chips: the active file and the selection follow the editor; the user can remove them or add files
 * with @. Text is read when a message is sent, so it is always current.
 */
import * as vscode from "vscode";
import type { ChatContextItem } from "../../../server/src/shared/chatProtocol";
import { isSensitiveFile } from "../../../server/src/shared/sensitiveFiles";
import { readConfig } from "../config";
import { isSecretDocument } from "../secretFiles";

/**
 * A file's name on a chip: its workspace-relative path, or, for a file outside the workspace (or an untitled one),
 * just its name, never a long absolute path.
 */
export function chipName(uri: vscode.Uri): string {
  if (vscode.workspace.getWorkspaceFolder(uri)) return vscode.workspace.asRelativePath(uri);
  return uri.path.split("/").pop() || uri.path;
}

/** Secrets (.env, keys, …, plus hearth.privacy.excludedFiles) are never attached: this is the quick check by name. */
function isSensitiveByName(uri: vscode.Uri): boolean {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  return isSensitiveFile(uri.scheme === "file" ? uri.fsPath : uri.path, readConfig().privacy.excludedFiles, folders);
}

interface Chip {
  label: string;
  kind: "file" | "selection" | "picked";
  uri: vscode.Uri;
  range?: vscode.Range;
}

export class ChatContext implements vscode.Disposable {
  private picked: Chip[] = [];
  private dismissed = new Set<string>();
  private editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  /** Documents found to be secrets files by where they really are (a link to `.env`): their chip is not offered. */
  private readonly secretOnDisk = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly onChange: (labels: string[]) => void) {
    if (this.editor) void this.judge(this.editor.document.uri);
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Focus moving to the chat view leaves no active editor: keep the last one.
        if (editor === undefined) return;
        this.editor = editor;
        this.dismissed.clear();
        this.onChange(this.labels());
        void this.judge(editor.document.uri);
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === this.editor) this.onChange(this.labels());
      }),
    );
  }

  /** Looks where the document really is, and takes its chip away when that is a secrets file. */
  private async judge(uri: vscode.Uri): Promise<void> {
    const secret = await isSecretDocument(uri);
    const key = uri.toString();
    if (secret === this.secretOnDisk.has(key)) return;
    if (secret) this.secretOnDisk.add(key);
    else this.secretOnDisk.delete(key);
    this.onChange(this.labels());
  }

  /** The editor chat actions (Insert, Apply) act on: the last text editor the user was in. */
  get lastEditor(): vscode.TextEditor | undefined {
    return this.editor;
  }

  private chips(): Chip[] {
    const chips: Chip[] = [];
    const editor = this.editor;
    const uri = editor?.document.uri;
    if (editor && uri && uri.scheme !== "output" && !isSensitiveByName(uri) && !this.secretOnDisk.has(uri.toString())) {
      const name = chipName(editor.document.uri);
      const selection = editor.selection;
      if (!selection.isEmpty) {
        chips.push({
          label: `${name}:${selection.start.line + 1}-${selection.end.line + 1}`,
          kind: "selection",
          uri: editor.document.uri,
          range: selection,
        });
      }
      chips.push({ label: name, kind: "file", uri: editor.document.uri });
    }
    return [...chips.filter((chip) => !this.dismissed.has(chip.label)), ...this.picked];
  }

  labels(): string[] {
    return this.chips().map((chip) => chip.label);
  }

  remove(label: string): void {
    this.picked = this.picked.filter((chip) => chip.label !== label);
    this.dismissed.add(label);
    this.onChange(this.labels());
  }

  /** Adds the selection of an editor as context (the "Add Selection to Chat" command). */
  addSelection(editor: vscode.TextEditor): void {
    this.editor = editor;
    this.dismissed.clear();
    this.onChange(this.labels());
  }

  async pick(): Promise<void> {
    const found = await vscode.workspace.findFiles("**/*", "**/{node_modules,.git,dist,out}/**", 5000);
    const secret = await Promise.all(found.map((uri) => isSecretDocument(uri)));
    const files = found.filter((_, index) => !secret[index]);
    const choice = await vscode.window.showQuickPick(
      files.map((uri) => ({ label: chipName(uri), uri })),
      { placeHolder: "Add a file to the chat's context", matchOnDescription: true },
    );
    if (!choice) return;
    if (!this.picked.some((chip) => chip.label === choice.label))
      this.picked.push({ label: choice.label, kind: "picked", uri: choice.uri });
    this.onChange(this.labels());
  }

  /**
   * Reads the chips' text now; a file that can't be read, or that is a secrets file by where it really is (checked
   * again here: a link can change after its chip was shown), is skipped and named in `unreadable`.
   */
  async items(): Promise<{ items: ChatContextItem[]; unreadable: string[] }> {
    const items: ChatContextItem[] = [];
    const unreadable: string[] = [];
    const chips = this.chips();
    const selectionFiles = new Set(chips.filter((chip) => chip.kind === "selection").map((chip) => chip.uri.toString()));
    for (const chip of chips) {
      if (await isSecretDocument(chip.uri)) {
        unreadable.push(chip.label);
        continue;
      }
      try {
        const document = await vscode.workspace.openTextDocument(chip.uri);
        if (chip.kind === "file" && selectionFiles.has(chip.uri.toString()) && document.lineCount > 400) {
          // A long file next to a selection from it: the selection says what matters; skip the rest.
          continue;
        }
        items.push({
          label: chip.label,
          uri: chip.uri.toString(),
          languageId: document.languageId,
          text: document.getText(chip.range),
        });
      } catch {
        unreadable.push(chip.label);
      }
    }
    return { items, unreadable };
  }

  /** Picked files are per message: they are cleared once sent. */
  clearPicked(): void {
    this.picked = [];
    this.onChange(this.labels());
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
