/**
 * search_code's query as a line matcher. A `/regex/flags` query is the model's (or a prompt injection's) pattern, run
 * over every line of the workspace on the language server's only thread: JavaScript's backtracking RegExp would let
 * `/(a+)+$/` on a long line of `a`s hold that thread (completions, chat, Stop) for minutes. So patterns run on RE2
 * (re2js, a pure-JS port: time linear in the line's length, whatever the pattern), and what RE2 can't do in linear
 * time (backreferences, lookahead) is refused with a message saying to search without it. Literal text stays on an
 * escaped RegExp.
 */
import { RE2JS } from "re2js";

export interface LineMatcher {
  /** Whether the line contains a match. */
  test(line: string): boolean;
  /** The longest line one `test` may be given: one call can't be interrupted, so its work is bounded here. */
  maxLineChars: number;
}

/**
 * RE2's time is linear in the line, but the factor is the pattern's size when its DFA gives way to the NFA (a
 * thousand-state `/a[ab]{1000}$/` takes seconds over a 300 KB minified line). Lines are held to this many
 * characters × program instructions, about a tenth of a second at worst; longer ones are left out, and said to be.
 */
export const MAX_LINE_WORK = 1_000_000;

export type SearchPattern = { matcher: LineMatcher; regex: boolean } | { problem: string };

const REGEX_QUERY = /^\/(.+)\/([imsu]*)$/;

/** The JavaScript flags as RE2's. RE2 always matches by code point, as `u` does; lookbehind is linear in re2js. */
function re2Flags(flags: string): number {
  let result = RE2JS.LOOKBEHINDS;
  if (flags.includes("i")) result |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes("m")) result |= RE2JS.MULTILINE;
  if (flags.includes("s")) result |= RE2JS.DOTALL;
  return result;
}

/**
 * The first construct in a JavaScript pattern that needs backtracking (a backreference or a lookahead), read with
 * escapes and character classes in mind (`\\1` is a backslash and a 1; `[(?=]` is three characters).
 */
export function backtrackingConstruct(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === "k" && source[i + 2] === "<") return "the named backreference \\k<…>";
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
    } else if (ch === "(" && source[i + 1] === "?" && (source[i + 2] === "=" || source[i + 2] === "!")) {
      return `the lookahead (?${source[i + 2]}…)`;
    }
  }
  return undefined;
}

/** The query as a matcher: `/regex/flags` on RE2, anything else as literal text (case-insensitive). */
export function searchPattern(query: string): SearchPattern {
  const regex = REGEX_QUERY.exec(query);
  if (!regex) {
    const literal = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
    // A literal has nothing to backtrack over: its time is linear in the line, whatever its length.
    return { matcher: { test: (line) => literal.test(line), maxLineChars: Number.POSITIVE_INFINITY }, regex: false };
  }
  const [, source, flags] = regex;
  // Compiling a JavaScript RegExp never runs it: it only says whether the pattern is valid JavaScript at all.
  try {
    new RegExp(source, flags);
  } catch (error) {
    return { problem: `${query} is not a valid regular expression (${(error as Error).message}).` };
  }
  const unsupported = backtrackingConstruct(source);
  if (unsupported) return { problem: unsupportedProblem(query, `${unsupported} is not supported`) };
  try {
    const compiled = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags(flags));
    const maxLineChars = Math.floor(MAX_LINE_WORK / Math.max(1, compiled.programSize()));
    return { matcher: { test: (line) => compiled.test(line), maxLineChars }, regex: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return { problem: unsupportedProblem(query, `RE2 refuses it (${reason})`) };
  }
}

function unsupportedProblem(query: string, why: string): string {
  return (
    `${query} can't be searched: ${why}. search_code runs patterns on a linear-time engine (RE2 syntax), which has ` +
    "no backreferences or lookahead. Search again without them: a simpler pattern, or the literal text."
  );
}
