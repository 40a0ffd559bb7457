/**
 * How an approval dialog shows a command line or an MCP call: exactly, so that what the user approves is what runs.
 * Characters that draw nothing or reorder what is drawn (controls, bidirectional overrides, zero-width and other
 * invisible or look-alike spaces) are shown as `<U+XXXX>`; a real line break is kept and marked `↵`; runs of spaces
 * are counted; long lines are wrapped (a modal's detail does not wrap unbroken text well); and text too long for a
 * dialog is cut in the middle with a statement of exactly how much is not shown, never silently.
 */

/**
 * Characters shown as `<U+XXXX>`: controls (C0, DEL, C1; tab too), format characters (bidi embeddings, overrides and
 * isolates, zero-width space/joiners, word joiner, BOM, soft hyphen, tags), line and paragraph separators, every
 * space but the ASCII one, lone surrogates, and the invisible fillers and selectors outside those categories.
 */
const INVISIBLE =
  /(?! )(?:[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\u115F\u1160\u17B4\u17B5\u2800\u3164\uFFA0]|\u034F|\p{Variation_Selector})/gu;

/** Wrap width in characters, and how far back from it a line may break at a space instead. */
const WRAP_COLUMNS = 80;
const WRAP_LOOKBACK = 24;
/** Runs of at least this many spaces are counted (`<40 spaces>`): they would push text out of sight. */
const SPACE_RUN = 4;

export const NEWLINE_MARK = "↵";

export interface ShownText {
  /** The text as the dialog shows it. */
  text: string;
  /** Characters of the original text not shown (0 when it is shown in full). */
  hiddenChars: number;
}

export interface ShowOptions {
  /** Most display lines shown; beyond that the middle is left out and the gap says how much. */
  maxLines?: number;
  columns?: number;
}

function codePointLabel(char: string): string {
  return `<U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}>`;
}

/** One source line made visible, as tokens that are never split by wrapping; each knows its source length. */
function visibleTokens(line: string): Array<{ shown: string; source: number }> {
  const tokens: Array<{ shown: string; source: number }> = [];
  const pattern = new RegExp(`${INVISIBLE.source}| {${SPACE_RUN},}`, "gu");
  let last = 0;
  for (const match of line.matchAll(pattern)) {
    const index = match.index ?? 0;
    for (const char of line.slice(last, index)) tokens.push({ shown: char, source: char.length });
    const text = match[0];
    tokens.push({ shown: text.startsWith(" ") ? ` <${text.length} spaces> ` : codePointLabel(text), source: text.length });
    last = index + text.length;
  }
  for (const char of line.slice(last)) tokens.push({ shown: char, source: char.length });
  return tokens;
}

/** Splits tokens into display lines of at most `columns` characters, preferring to break after a space. */
function wrapTokens(tokens: Array<{ shown: string; source: number }>, columns: number): Array<{ text: string; source: number }> {
  const lines: Array<{ text: string; source: number }> = [];
  let current: Array<{ shown: string; source: number }> = [];
  let width = 0;
  const flush = (upTo: number) => {
    const taken = current.slice(0, upTo);
    lines.push({ text: taken.map((t) => t.shown).join(""), source: taken.reduce((sum, t) => sum + t.source, 0) });
    current = current.slice(upTo);
    width = current.reduce((sum, t) => sum + t.shown.length, 0);
  };
  for (const token of tokens) {
    if (width + token.shown.length > columns && current.length > 0) {
      let breakAt = current.length;
      for (let i = current.length - 1, w = width; i > 0 && width - w < WRAP_LOOKBACK; i--) {
        w -= current[i].shown.length;
        if (current[i - 1].shown.endsWith(" ")) {
          breakAt = i;
          break;
        }
      }
      flush(breakAt);
    }
    current.push(token);
    width += token.shown.length;
  }
  if (current.length > 0 || lines.length === 0) flush(current.length);
  return lines;
}

/**
 * The text as an approval dialog shows it: invisible characters named, real line breaks marked `↵`, lines wrapped,
 * and, past `maxLines` display lines, the middle replaced by a line saying how many characters and lines are hidden.
 */
export function showExactly(text: string, options: ShowOptions = {}): ShownText {
  const columns = options.columns ?? WRAP_COLUMNS;
  const maxLines = options.maxLines ?? 40;
  const sourceLines = text.split("\n");
  const display: Array<{ text: string; source: number }> = [];
  sourceLines.forEach((line, index) => {
    const wrapped = wrapTokens(visibleTokens(line), columns);
    if (index < sourceLines.length - 1) {
      const end = wrapped[wrapped.length - 1];
      end.text += NEWLINE_MARK;
      end.source += 1;
    }
    display.push(...wrapped);
  });
  if (display.length <= maxLines) return { text: display.map((line) => line.text).join("\n"), hiddenChars: 0 };
  const head = Math.ceil((maxLines - 1) * 0.75);
  const tail = maxLines - 1 - head;
  const hidden = display.slice(head, display.length - tail);
  const hiddenChars = hidden.reduce((sum, line) => sum + line.source, 0);
  const gap = `[… ${hiddenChars.toLocaleString("en-US")} characters (${hidden.length} lines) not shown here …]`;
  const shown = [...display.slice(0, head), { text: gap, source: 0 }, ...display.slice(display.length - tail)];
  return { text: shown.map((line) => line.text).join("\n"), hiddenChars };
}

/** A sentence saying what the marks in shown text mean, or "" when it has none. */
export function marksLegend(shown: string): string {
  return /<U\+[0-9A-F]{4,6}>|↵|<\d+ spaces>/.test(shown)
    ? `<U+…> marks an invisible or control character, ${NEWLINE_MARK} a line break, <N spaces> a run of spaces.`
    : "";
}

/** A short name (a terminal's title, a dialog's message) with invisible characters named and line breaks shown. */
export function visibleInline(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const shown = text.replace(/\n/g, NEWLINE_MARK).replace(INVISIBLE, codePointLabel);
  return shown.length > maxChars ? `${shown.slice(0, maxChars)}…` : shown;
}

/** JSON with object keys sorted at every depth: two calls with the same arguments give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  // defineProperty, not assignment: a key "__proto__" (JSON.parse makes it an own property) must stay a key.
  for (const key of Object.keys(value).sort())
    Object.defineProperty(sorted, key, {
      value: sortKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return sorted;
}

/** The identity of one MCP call (server, tool and arguments, compared canonically), for "allow this exact call". */
export function mcpCallKey(server: string, tool: string, args: unknown): string {
  return canonicalJson([server, tool, args]);
}
