/**
 * vscode-languageserver 10's NotebookDocuments never forgets a cell the user deleted: its cell map keeps the cell
 * and its notebook until the notebook closes, and only the cells the notebook still has are removed then. A long
 * session of adding and deleting cells grows it without end, and a deleted cell's URI still names its notebook.
 * This drops a removed cell once the library has reported it (it reads the map to say which cells went).
 */
import type { NotebookDocuments } from "vscode-languageserver";
import type { Disposable } from "vscode-languageserver-protocol";

export function forgetRemovedCells<T extends { uri: string }>(notebooks: NotebookDocuments<T>): Disposable {
  // The map is private in the library's types; its name and shape are checked by the unit test on upgrades.
  const map = (notebooks as unknown as { notebookCellMap?: Map<string, unknown> }).notebookCellMap;
  return notebooks.onDidChange((event) => {
    for (const cell of event.cells?.removed ?? []) {
      if (cell && !event.notebookDocument.cells.some((kept) => kept.document === cell.document)) map?.delete(cell.document);
    }
  });
}
