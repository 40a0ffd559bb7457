/**
 * Which documents Hearth's language server can read, and so serve: files, unsaved files and Jupyter notebooks'
 * cells (the client's document selector). Any other scheme (a git revision, an output channel, a remote file system
 * the extension host can't reach) gets no suggestions; the log says so once per scheme, so a user who wonders why
 * finds the answer. Pure.
 */

/** The client's document selector, for vscode-languageclient (and through it VS Code's providers). */
export const SERVED_DOCUMENTS = [{ scheme: "file" }, { scheme: "untitled" }, { notebook: "jupyter-notebook" }];

/** Why a document isn't served, or undefined when it is. `notebookType`: a cell's notebook, for a cell. */
export function unservedReason(scheme: string, notebookType?: string): string | undefined {
  if (scheme === "file" || scheme === "untitled") return undefined;
  if (scheme === "vscode-notebook-cell")
    return notebookType === "jupyter-notebook"
      ? undefined
      : `cells of ${notebookType ?? "this kind of"} notebook get no suggestions: Hearth serves Jupyter notebooks' cells`;
  return `${scheme}: documents get no suggestions: Hearth's language server reads files, unsaved files and Jupyter notebook cells`;
}
