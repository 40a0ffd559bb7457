/**
 * Where a next edit may be due in another file: after the user renames a definition or changes its parameters, the
 * other open files that use it. The symbols come from the user's recent edits of the current file (the definitions
 * on the lines an edit changed), the places from a whole-word search of the other documents.
 * Pure: the caller gives the edits and the documents, keeps secrets files out, and runs the predictions.
 */

/** Other files a request predicts in at most: each costs one prediction. */
export const CROSS_FILE_LIMIT = 3;

/** Names too common to follow across files (keywords, the usual short names). */
const COMMON = new Set([
  "async",
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "def",
  "default",
  "delete",
  "else",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "from",
  "func",
  "function",
  "if",
  "import",
  "impl",
  "in",
  "interface",
  "let",
  "new",
  "null",
  "number",
  "pub",
  "return",
  "self",
  "static",
  "string",
  "struct",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "type",
  "typeof",
  "undefined",
  "var",
  "void",
  "while",
  "with",
  "yield",
]);

/**
 * A definition others may call or import, as its line starts: `function add(`, `def add(`, `fn add(`, `class Cart`,
 * `export const total =`, `const add = (…) =>`, a method `add(…) {`. A plain local `const x =` is not one.
 */
const DEFINITION =
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|def|fn|func|class|interface|type|struct|enum|trait|pub\s+fn|pub\s+struct)\s+([A-Za-z_$][\w$]*)|^\s*export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)|^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|^\s*(?:public\s+|private\s+|protected\s+|static\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{]*)?\{\s*$/;

interface Definition {
  name: string;
  /** Its parameters, counted: a call elsewhere must change when it does. */
  arity: number;
}

function definitionOn(line: string): Definition | undefined {
  const match = DEFINITION.exec(line);
  const name = match?.slice(1).find((group) => group !== undefined);
  if (name === undefined || name.length < 3 || COMMON.has(name)) return undefined;
  const params = /\(([^)]*)\)?/.exec(line.slice((match?.index ?? 0) + (match?.[0].indexOf(name) ?? 0) + name.length));
  const arity = params ? params[1].split(",").filter((param) => param.trim() !== "").length : 0;
  return { name, arity };
}

/**
 * The symbols other files may need to follow, most recent edit first: a definition the edit renamed (its old name)
 * or whose parameter count changed. Renaming a parameter or a local, or editing a body, concerns this file only.
 * `edits` are the current file's recent edits, oldest first.
 */
export function changedSymbols(edits: readonly { before: readonly string[]; after: readonly string[] }[]): string[] {
  const symbols: string[] = [];
  for (const edit of [...edits].reverse()) {
    const after = edit.after.map(definitionOn).filter((definition) => definition !== undefined);
    for (const before of edit.before.map(definitionOn)) {
      if (before === undefined || symbols.includes(before.name)) continue;
      const now = after.find((definition) => definition.name === before.name);
      if (now === undefined || now.arity !== before.arity) symbols.push(before.name);
    }
  }
  return symbols;
}

export interface CrossFileTarget {
  uri: string;
  /** The first line that uses the symbol: the prediction's window is cut around it. */
  line: number;
  symbol: string;
}

/**
 * The documents that use one of `symbols` as a whole word and don't define it themselves, in the order given (the
 * caller puts the recently edited or viewed first), each with the first line that does; at most `limit`.
 */
export function crossFileTargets(
  symbols: readonly string[],
  documents: readonly { uri: string; text: string }[],
  limit = CROSS_FILE_LIMIT,
): CrossFileTarget[] {
  if (symbols.length === 0) return [];
  const targets: CrossFileTarget[] = [];
  const patterns = symbols.map((symbol) => ({ symbol, pattern: wholeWord(symbol) }));
  for (const document of documents) {
    if (targets.length >= limit) break;
    const lines = document.text.split(/\r\n|\r|\n/);
    // A file that defines the name itself has its own: its uses are not of the one renamed.
    const defined = new Set(lines.map((text) => definitionOn(text)?.name));
    for (const { symbol, pattern } of patterns) {
      if (defined.has(symbol)) continue;
      const line = lines.findIndex((text) => pattern.test(text));
      if (line >= 0) {
        targets.push({ uri: document.uri, line, symbol });
        break;
      }
    }
  }
  return targets;
}

function wholeWord(symbol: string): RegExp {
  return new RegExp(`(?<![\\w$])${symbol.replace(/\$/g, "\\$")}(?![\\w$])`);
}
