/**
 * The client's side of the secrets rule (server/src/shared/sensitiveOnDisk.ts): a document is a secrets file by its
 * name or by where its file really is (a link `notes.txt -> .env`), with `hearth.privacy.excludedFiles` relative to
 * the workspace folders. The server checks again whatever the client sends.
 */
import * as vscode from "vscode";
import { isSensitiveDocument, isSensitiveOnDisk } from "../../server/src/shared/sensitiveOnDisk";
import { readConfig } from "./config";

/** The workspace folders on this machine's file system, which the setting's patterns are relative to. */
function folderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
}

/**
 * Whether the document at `uri` must never reach a model: a `file:` URI also by its real path, a notebook cell by its
 * notebook file's (nothing is read), any other by its name.
 */
export async function isSecretDocument(uri: vscode.Uri): Promise<boolean> {
  const excluded = readConfig().privacy.excludedFiles;
  if (uri.scheme === "file") return isSensitiveOnDisk(uri.fsPath, excluded, folderPaths());
  return isSensitiveDocument(uri.toString(), excluded, folderPaths());
}
