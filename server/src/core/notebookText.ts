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
 * edited cell's place in `cells`.
 */
export function cellInNotebook(cells: readonly NotebookCellText[], index: number): CellInNotebook {
  const edited = cells[index];
  const comment = LINE_COMMENTS[edited.languageId];
  const parts: string[] = [];
  let lineOffset = 0;
  cells.forEach((cell, at) => {
    let text: string | undefined;
    if (at === index) text = cell.text;
    else if (cell.kind === "code" && cell.languageId === edited.languageId) text = cell.text;
    else if (cell.kind === "markup" && comment !== undefined) text = commented(cell.text, comment);
    if (text === undefined || (at !== index && text.trim() === "")) return;
    if (at === index) lineOffset = parts.length === 0 ? 0 : lineCount(parts.join(SEPARATOR) + SEPARATOR);
    parts.push(at === index ? text : text.replace(/\s+$/, ""));
  });
  return { text: parts.join(SEPARATOR), lineOffset };
}

function commented(text: string, comment: string): string {
  return text
    .replace(/\s+$/, "")
    .split(/\r\n|\r|\n/)
    .map((line) => (line.trim() === "" ? comment : `${comment} ${line}`))
    .join("\n");
}

/** The number of line breaks in `text`: the line a text appended after it starts on. */
function lineCount(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
