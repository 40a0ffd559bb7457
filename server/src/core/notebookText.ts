/**
 * A notebook cell as the model should read it: the notebook's code cells in order as one file, so the cells above
 * are the prefix and the cells below the suffix of the cell being edited. Markdown cells become comments where the
 * cell's language has line comments (their prose says what the code is for), and are left out elsewhere; code cells of
 * another language (a `%%bash` cell is still Python to the notebook, but an R cell in a Python notebook is not) are
 * left out. Pure.
 */

export interface NotebookCellText {
  /** A code cell, or a markdown (markup) cell. */
  kind: "code" | "markup";
  languageId: string;
  text: string;
}

export interface CellInNotebook {
  /** Every cell that goes into the file, the edited one included, joined by blank lines. */
  text: string;
  /** The line of the file where the edited cell's first line is. */
  lineOffset: number;
}

/** Line comments by VS Code language id, for the languages notebooks are written in. */
const LINE_COMMENTS: Record<string, string> = {
  python: "#",
  r: "#",
  julia: "#",
  ruby: "#",
  perl: "#",
  shellscript: "#",
  powershell: "#",
  javascript: "//",
  typescript: "//",
  csharp: "//",
  fsharp: "//",
  java: "//",
  scala: "//",
  kotlin: "//",
  go: "//",
  rust: "//",
  cpp: "//",
  c: "//",
  sql: "--",
  haskell: "--",
  lua: "--",
};

/** Cells are separated by one blank line, as the cells of an exported script are. */
const SEPARATOR = "\n\n";

/**
 * The notebook as one file of the edited cell's language, and where the edited cell starts in it. `index` is the
 * edited cell's place in `cells`. With `lines`, cells are taken outward from the edited one only until that many
 * lines above and below it are in (the completion window reads no further), so a keystroke in a huge notebook costs
 * what one in a small one does.
 */
export function cellInNotebook(
  cells: readonly NotebookCellText[],
  index: number,
  lines: { above: number; below: number } = { above: Number.POSITIVE_INFINITY, below: Number.POSITIVE_INFINITY },
): CellInNotebook {
  const edited = cells[index];
  const comment = LINE_COMMENTS[edited.languageId];
  /** A cell as it goes into the file, or undefined when it stays out. */
  const asText = (cell: NotebookCellText): string | undefined => {
    if (cell.text.trim() === "") return undefined;
    if (cell.kind === "code" && cell.languageId === edited.languageId) return cell.text.trimEnd();
    if (cell.kind === "markup" && comment !== undefined) return commented(cell.text, comment);
    return undefined;
  };
  const above: string[] = [];
  for (let at = index - 1, count = 0; at >= 0 && count < lines.above; at--) {
    const text = asText(cells[at]);
    if (text === undefined) continue;
    above.unshift(text);
    count += lineCount(text) + 2;
  }
  const below: string[] = [];
  for (let at = index + 1, count = 0; at < cells.length && count < lines.below; at++) {
    const text = asText(cells[at]);
    if (text === undefined) continue;
    below.push(text);
    count += lineCount(text) + 2;
  }
  const lineOffset = above.length === 0 ? 0 : lineCount(above.join(SEPARATOR) + SEPARATOR);
  return { text: [...above, edited.text, ...below].join(SEPARATOR), lineOffset };
}

function commented(text: string, comment: string): string {
  return text
    .trimEnd()
    .split(/\r\n|\r|\n/)
    .map((line) => (line.trim() === "" ? comment : `${comment} ${line}`))
    .join("\n");
}

/** The number of line breaks in `text`: the line a text appended after it starts on. */
function lineCount(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
