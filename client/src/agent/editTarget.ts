/**
 * The file an agent edit would really write: its real path (symlinks resolved; a new file by its nearest existing
 * folder), the name to show the user for it, and whether it is one of the files whose edits are always reviewed
 * (shared/protectedPaths.ts), judged on the real path and on the requested one.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import * as vscode from "vscode";
import { type ProtectedPath, protectedPath } from "../../../server/src/shared/protectedPaths";
import { realPathOf } from "./realPathOf";

export interface EditTarget {
  /** The real file's workspace-relative name (its absolute path when the real file is outside the workspace). */
  name: string;
  /** Why an edit to it is always reviewed, when it is. */
  protection?: ProtectedPath;
  /** The real file is outside every workspace folder (a link leads out). */
  outside: boolean;
}

export async function editTarget(uri: vscode.Uri, folder: vscode.WorkspaceFolder): Promise<EditTarget> {
  const requested = relative(folder.uri.fsPath, uri.fsPath);
  if (uri.scheme !== "file")
    return { name: vscode.workspace.asRelativePath(uri), protection: protectedPath(slashed(requested)), outside: false };
  const real = await realPathOf(uri.fsPath);
  const realFolder = await realpath(folder.uri.fsPath).catch(() => folder.uri.fsPath);
  const inFolder = relative(realFolder, real);
  const outside = inFolder === ".." || inFolder.startsWith(`..${sep}`) || isAbsolute(inFolder);
  return {
    name: outside ? real : vscode.workspace.asRelativePath(vscode.Uri.file(join(folder.uri.fsPath, inFolder))),
    protection: protectedPath(outside ? real : slashed(inFolder)) ?? protectedPath(slashed(requested)),
    outside,
  };
}

function slashed(path: string): string {
  return path.split(sep).join("/");
}
