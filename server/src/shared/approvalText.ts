/**
 * How an approval dialog shows a command line or an MCP call: exactly, so that what the user approves is what runs.
 * Characters that draw nothing, look like something else or reorder what is drawn are named as `⟨U+XXXX⟩`; a real
 * line break is kept and marked `↵`; runs of spaces are counted (`⟨40 spaces⟩`); long lines are wrapped (a modal's
 * detail does not wrap unbroken text well); and text too long for a dialog is cut in the middle with a mark saying
 * exactly how much is not shown, never silently.
 *
 * The marks can't be forged: every `⟨`, `⟩` and `↵` in the text itself (and every character that looks like one) is
 * named too, so each `⟨…⟩` and each `↵` in what the dialog shows is a mark, and the shown text maps back to exactly
 * one source text (test/unit/approvalTextMarks.test.ts parses it back).
 */

/** The brackets every mark is written in, and the mark that ends a display line where the source line ended. */
export const MARK_OPEN = "\u27E8";
export const MARK_CLOSE = "\u27E9";
export const NEWLINE_MARK = "\u21B5";

/**
 * Characters named as `⟨U+XXXX⟩`: controls (C0, DEL, C1; tab too), format characters (bidi embeddings, overrides and
 * isolates, zero-width space/joiners, word joiner, BOM, soft hyphen, tags), line and paragraph separators, every
 * space but the ASCII one, lone surrogates, private-use and unassigned code points (a font may draw them as
 * anything), every Default_Ignorable_Code_Point (fillers, selectors, U+2065, U+FFF0–FFF8, tags) and the Braille
 * blank, which draws nothing either. Then the mark syntax's own characters and their look-alikes: angle brackets
 * (mathematical, CJK, fullwidth, small, ornamental, modifier letters, single guillemets) and return arrows.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\u2800]|\p{Default_Ignorable_Code_Point}|\p{Variation_Selector}/u;
const ANGLE_BRACKETS =
  /[\u27E8-\u27EB\u2329\u232A\u3008-\u300B\uFF1C\uFF1E\uFE64\uFE65\u2039\u203A\u276C-\u2771\u29FC\u29FD\u02C2\u02C3\u1433\u1438\uFE3F\uFE40]/u;
const RETURN_ARROWS = /[\u21B5\u21A9\u21B2\u21B3\u23CE\u2936\u2B0E-\u2B11\u2B90\u2B91\u2BA0-\u2BAF]/u;
const NAMED = new RegExp(`^(?! )(?:${INVISIBLE.source}|${ANGLE_BRACKETS.source}|${RETURN_ARROWS.source})$`, "u");

/** Marks that draw on the character before them (nonspacing and enclosing). */
const COMBINING = /^[\p{Mn}\p{Me}]$/u;
/** More combining marks than this on one base are named: a stack can draw over the lines around it. */
const MAX_COMBINING = 2;
/** A base a combining mark may draw on unnamed: a letter or digit (accents), never a space, symbol or mark. */
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Right-to-left letters (and Arabic digits): without any control, they reorder the text around them as shown. */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFE\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/** Wrap width in characters, and how far back from it a line may break at a space instead. */
const WRAP_COLUMNS = 80;
const WRAP_LOOKBACK = 24;
/** Runs of at least this many spaces are counted (`⟨40 spaces⟩`): they would push text out of sight. */
const SPACE_RUN = 4;

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

/** A piece of the shown text that wrapping never splits; `source` is its length in the source text. */
interface Token {
  shown: string;
  source: number;
  /** Whether a display line may end after it (a space, or a counted run of spaces). */
  breakAfter: boolean;
}

function mark(inner: string): string {
  return `${MARK_OPEN}${inner}${MARK_CLOSE}`;
}

function named(char: string): Token {
  const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  return { shown: mark(`U+${code}`), source: char.length, breakAfter: false };
}

/** One source line made visible, as tokens. */
function visibleTokens(line: string): Token[] {
  const chars = Array.from(line);
  const tokens: Token[] = [];
  // Whether the last token is a letter or digit shown as itself, on which a combining mark may draw.
  let afterLetter = false;
  for (let i = 0; i < chars.length; ) {
    const char = chars[i];
    if (char === " ") {
      let end = i;
      while (chars[end] === " ") end++;
      const count = end - i;
      if (count >= SPACE_RUN) tokens.push({ shown: mark(`${count} spaces`), source: count, breakAfter: true });
      else for (let k = 0; k < count; k++) tokens.push({ shown: " ", source: 1, breakAfter: true });
      afterLetter = false;
      i = end;
    } else if (NAMED.test(char)) {
      tokens.push(named(char));
      afterLetter = false;
      i++;
    } else if (COMBINING.test(char)) {
      let end = i;
      while (end < chars.length && COMBINING.test(chars[end]) && !NAMED.test(chars[end])) end++;
      const run = chars.slice(i, end);
      const nameThem = !afterLetter || run.length > MAX_COMBINING;
      for (const each of run) tokens.push(nameThem ? named(each) : { shown: each, source: each.length, breakAfter: false });
      afterLetter = false;
      i = end;
    } else {
      tokens.push({ shown: char, source: char.length, breakAfter: false });
      afterLetter = LETTER_OR_DIGIT.test(char);
      i++;
    }
  }
  return tokens;
}

/** Splits tokens into display lines of at most `columns` characters, preferring to break after a space. */
function wrapTokens(tokens: Token[], columns: number): Array<{ text: string; source: number }> {
  const lines: Array<{ text: string; source: number }> = [];
  let current: Token[] = [];
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
        if (current[i - 1].breakAfter) {
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
 * The text as an approval dialog shows it: characters named, real line breaks marked `↵`, lines wrapped, and, past
 * `maxLines` display lines, the middle replaced by a mark saying how many characters and lines are not shown.
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
  const gap = mark(`… ${hiddenChars.toLocaleString("en-US")} characters (${hidden.length} lines) not shown here …`);
  const shown = [...display.slice(0, head), { text: gap, source: 0 }, ...display.slice(display.length - tail)];
  return { text: shown.map((line) => line.text).join("\n"), hiddenChars };
}

/**
 * What the user needs to read shown text right, or "" when nothing: what its marks mean, and a warning when it holds
 * right-to-left letters, which reorder the characters beside them (digits, punctuation) with no control to name.
 */
export function marksLegend(shown: string): string {
  const lines: string[] = [];
  if (shown.includes(MARK_OPEN) || shown.includes(NEWLINE_MARK))
    lines.push(
      `${mark("U+…")} names an invisible, control, combining or look-alike character (a ${MARK_OPEN}, ${MARK_CLOSE} or ` +
        `${NEWLINE_MARK} in the text itself too), ${NEWLINE_MARK} marks a line break, ${mark("N spaces")} a run of spaces.`,
    );
  if (RIGHT_TO_LEFT.test(shown))
    lines.push("It contains right-to-left letters, which may reorder what you see: read it with care.");
  return lines.join("\n");
}

/**
 * A short name (a terminal's title, a dialog's message) made visible like showExactly, with line breaks shown as
 * `↵`; past maxChars it is cut after a whole mark and ends in `⟨…⟩`.
 */
export function visibleInline(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const tokens = text
    .split("\n")
    .flatMap((line, index) => [
      ...(index > 0 ? [{ shown: NEWLINE_MARK, source: 1, breakAfter: false }] : []),
      ...visibleTokens(line),
    ]);
  const full = tokens.map((token) => token.shown).join("");
  if (full.length <= maxChars) return full;
  let cut = "";
  for (const token of tokens) {
    if (cut.length + token.shown.length > maxChars) break;
    cut += token.shown;
  }
  return `${cut}${mark("…")}`;
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
