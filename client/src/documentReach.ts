/**
 * Which documents Hearth's language server can read, and so serve: files, unsaved files and Jupyter notebooks'
 * cells (the client's document selector). Any other scheme (a git revision, an output channel, a remote file system
 * the extension host can't reach) gets no suggestions; the log says so once per scheme, so a user who wonders why
 * finds the answer. Pure.
 */

const SCHEMES = ["file", "untitled"];

/**
 * The client's document selector, for vscode-languageclient (and through it VS Code's providers): files, unsaved
 * files, and the cells of Jupyter notebooks that are files or unsaved (the server's notebook sync says the same).
 */
export const SERVED_DOCUMENTS = [
  ...SCHEMES.map((scheme) => ({ scheme })),
  ...SCHEMES.map((scheme) => ({ notebook: { notebookType: "jupyter-notebook", scheme } })),
];

/** Why a document isn't served, or undefined when it is. `notebook`: a cell's notebook (its type and scheme). */
export function unservedReason(scheme: string, notebook?: { type: string; scheme: string }): string | undefined {
  if (SCHEMES.includes(scheme)) return undefined;
  if (scheme === "vscode-notebook-cell") {
    if (notebook?.type !== "jupyter-notebook")
      return `cells of ${notebook?.type ?? "this kind of"} notebook get no suggestions: Hearth serves Jupyter notebooks' cells`;
    if (!SCHEMES.includes(notebook.scheme))
      return `cells of ${notebook.scheme}: notebooks get no suggestions: Hearth serves notebooks that are files or unsaved`;
    return undefined;
  }
  return `${scheme}: documents get no suggestions: Hearth's language server reads files, unsaved files and Jupyter notebook cells`;
}
