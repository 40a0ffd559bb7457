/**
 * The file an agent edit would really write (editPlace.ts: its real path, a dangling link by its target, a new file
 * by its nearest existing folder), the name to show the user for it, whether it is one of the files whose edits are
 * always reviewed (shared/protectedPaths.ts), and why the edit is refused outright, when it is.
 */
import { join, relative } from "node:path";
import * as vscode from "vscode";
import { type ProtectedPath, protectedPath } from "../../../server/src/shared/protectedPaths";
import { editPlace, slashed } from "./editPlace";

export interface EditTarget {
  /** The real file's workspace-relative name (its absolute path when the real file is outside the workspace). */
  name: string;
  /** Why an edit to it is always reviewed, when it is. */
  protection?: ProtectedPath;
  /** Why the edit is not made at all (a link leads out of the workspace, or links that never end), when it is not. */
  refusal?: string;
}

export async function editTarget(uri: vscode.Uri, folder: vscode.WorkspaceFolder): Promise<EditTarget> {
  if (uri.scheme !== "file")
    return {
      name: vscode.workspace.asRelativePath(uri),
      protection: protectedPath(slashed(relative(folder.uri.fsPath, uri.fsPath))),
    };
  const place = await editPlace(uri.fsPath, folder.uri.fsPath);
  // Fail closed: a file whose links never end can't be judged, and the system could not write it anyway.
  if (place === undefined)
    return {
      name: vscode.workspace.asRelativePath(uri),
      refusal: "The file is reached through symbolic links that go round in a loop, so it is not changed; remove the loop first.",
    };
  if (place.outside)
    return {
      name: place.real,
      protection: place.protection,
      refusal: "The file is reached through a link that leads outside the workspace, so it is not changed.",
    };
  return {
    name: vscode.workspace.asRelativePath(vscode.Uri.file(join(folder.uri.fsPath, place.inFolder))),
    protection: place.protection,
  };
}
