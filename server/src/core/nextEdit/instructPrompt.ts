/**
 * Next edits from an ordinary instruct (chat) model, for the user who has no next-edit model (hearth.nextEdit.format
 * `instruct`): a Zeta-style rewrite request as a system and a user message, which the engine renders with the model's
 * own chat template. The user message holds, in this order:
 *
 *   ## Recent edits        each edit as a unified diff, oldest first
 *   ## Related code        a few chunks of other files
 *   ## Problems            errors and warnings the editor reports near the window ("fix what the edit broke")
 *   ## Current file        the lines around the window, the window between <|editable_region_start|> and
 *                          <|editable_region_end|> on lines of their own, <|user_cursor_is_here|> at the cursor
 *
 * The model answers with the region rewritten, opened by the start marker; its end marker is the stop. Unlike the
 * trained formats the answer repeats the region from its first line, so this is the slowest format: the one a user
 * with only a chat model can have.
 *
 * The markers are plain text in every vocabulary Hearth knows. A region that spells one gets no prediction (the
 * answer could not be told from it), and every text the user or a tool wrote has special-token and chat-template
 * spellings broken (core/textPrompt.ts): a file must not write a turn of its own into the conversation. Pure.
 */
import { splitReasoning } from "../reasoning";
import { neutraliseChatText, restoreSpecialTokens, TOKEN_BREAK } from "../textPrompt";
import { zeta2EditDiff } from "./zeta2Prompt";

export const INSTRUCT_REGION_START = "<|editable_region_start|>";
export const INSTRUCT_REGION_END = "<|editable_region_end|>";
export const INSTRUCT_CURSOR = "<|user_cursor_is_here|>";
/**
 * No stop of its own: the answer is read up to the end marker on a line of its own, so a preamble or a thought that
 * names the markers can't end it early (the few tokens after the marker, a closing fence, cost little).
 */
export const INSTRUCT_STOPS = [] as const;
export const INSTRUCT_MAX_EDITS = 6;
/** Problems listed at most: the ones nearest the cursor. */
export const INSTRUCT_MAX_PROBLEMS = 8;

export const INSTRUCT_SYSTEM = [
  "You predict the next edit a programmer makes in their code editor.",
  "You are shown their recent edits, related code, the problems the editor reports, and an excerpt of the file they are editing. In the excerpt, the lines between <|editable_region_start|> and <|editable_region_end|> are the region you may change, and <|user_cursor_is_here|> marks the cursor.",
  "Rewrite the region with the edits they will most likely make next: finish the change they started, carry it to the other places in the region that need it, and fix what it broke. Change nothing else and keep the formatting. When nothing needs changing, write the region unchanged.",
  "Answer with the region only: <|editable_region_start|> on a line of its own, the rewritten lines without the cursor marker, then <|editable_region_end|>. No explanation.",
].join("\n\n");

/** An error or warning the editor reports (VS Code's diagnostics, forwarded by the client). */
export interface DocumentProblem {
  /** 0-based line in the document, and the character where the problem starts. */
  line: number;
  character: number;
  severity: "error" | "warning";
  message: string;
  /** Who reports it (`ts`, `eslint`), where known. */
  source?: string;
}

/**
 * The errors and warnings among a request's diagnostics (LSP's shape, as a client sent them: checked, since any
 * editor may send anything); information and hints are left out, and so is whatever doesn't parse.
 */
export function documentProblems(diagnostics: unknown): DocumentProblem[] {
  if (!Array.isArray(diagnostics)) return [];
  const problems: DocumentProblem[] = [];
  for (const diagnostic of diagnostics.slice(0, 100)) {
    const line = diagnostic?.range?.start?.line;
    const character = diagnostic?.range?.start?.character;
    const severity = diagnostic?.severity === 1 ? "error" : diagnostic?.severity === 2 ? "warning" : undefined;
    const message = typeof diagnostic?.message === "string" ? diagnostic.message : diagnostic?.message?.value;
    if (!Number.isInteger(line) || line < 0 || severity === undefined || typeof message !== "string") continue;
    const source = typeof diagnostic.source === "string" ? diagnostic.source.slice(0, 40) : undefined;
    const at = Number.isInteger(character) && character >= 0 ? character : 0;
    problems.push({ line, character: at, severity, message: message.slice(0, 500), source });
  }
  return problems;
}

/** A problem as the prompt shows it: with its line's code, since the excerpt has no line numbers. */
export interface InstructProblem extends DocumentProblem {
  code: string;
}

export interface InstructPromptInput {
  path: string;
  relatedFiles: readonly { path: string; text: string }[];
  /** Recent edits, oldest first; the edit being typed last. */
  edits: readonly {
    path: string;
    startLine: number;
    before: readonly string[];
    after: readonly string[];
    accepted?: boolean;
  }[];
  problems: readonly InstructProblem[];
  /** The lines before the region. */
  before: readonly string[];
  /** The region's lines. */
  region: readonly string[];
  /** The cursor, within the region. */
  cursor: { line: number; character: number };
  after: readonly string[];
}

/** One line of a text from elsewhere (a diagnostic's message): no line break of any kind survives. */
const firstLine = (text: string) => text.split(/[\r\n\u2028\u2029]/)[0];
/** A path as a fence's info: no control characters, line breaks or backticks to close the fence with. */
const pathInfo = (path: string) =>
  [...path].map((char) => (char.charCodeAt(0) < 0x20 || "\u007f\u2028\u2029`".includes(char) ? "_" : char)).join("");

/**
 * A line neutralised whole, with the cursor marker put back where it was: neutralising each side apart would leave a
 * spelling the cursor splits (`<|im` | `_end|>`) whole again in the model's copy.
 */
function withCursor(line: string, at: number): string {
  const safe = neutraliseChatText(line);
  let j = 0;
  for (let i = 0; i < at; i++, j++) if (safe[j] === TOKEN_BREAK && line[i] !== TOKEN_BREAK) j++;
  return `${safe.slice(0, j)}${INSTRUCT_CURSOR}${safe.slice(j)}`;
}

/** A code fence longer than any run of backticks in the text, so the text can't close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

function fenced(info: string, body: string): string {
  const fence = fenceFor(body);
  return `${fence}${info}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}${fence}`;
}

export function instructPrompt(input: InstructPromptInput): { system: string; user: string } {
  // Every text the user or a tool wrote is neutralised on its own; the markers are added after, unbroken.
  const safe = neutraliseChatText;
  const sections: string[] = [];
  const edits = input.edits.slice(-INSTRUCT_MAX_EDITS);
  if (edits.length > 0) {
    sections.push(`## Recent edits\n\n${edits.map((edit) => fenced("diff", safe(zeta2EditDiff(edit)))).join("\n\n")}`);
  }
  if (input.relatedFiles.length > 0) {
    const files = input.relatedFiles.map((file) => fenced(` ${safe(pathInfo(file.path))}`, safe(file.text)));
    sections.push(`## Related code\n\n${files.join("\n\n")}`);
  }
  if (input.problems.length > 0) {
    const lines = input.problems.slice(0, INSTRUCT_MAX_PROBLEMS).map((problem) => {
      const source = problem.source ? ` (${safe(firstLine(problem.source))})` : "";
      return `- ${problem.severity}${source}: ${safe(firstLine(problem.message))}\n  in: ${safe(firstLine(problem.code).trim())}`;
    });
    sections.push(`## Problems\n\n${lines.join("\n")}`);
  }
  const region = input.region.map((line, index) =>
    index === input.cursor.line ? withCursor(line, input.cursor.character) : safe(line),
  );
  const excerpt = [
    ...input.before.map(safe),
    INSTRUCT_REGION_START,
    ...region,
    INSTRUCT_REGION_END,
    ...input.after.map(safe),
  ].join("\n");
  sections.push(`## Current file\n\n${fenced(` ${safe(pathInfo(input.path))}`, excerpt)}`);
  return { system: INSTRUCT_SYSTEM, user: sections.join("\n\n") };
}

/**
 * Whether no prediction is made for the region: it spells a marker (the answer could not be told from it), or holds
 * the break neutralising uses (restoring the answer would take the user's own out: an edit nobody made).
 */
export function instructRegionHasMarker(region: string): boolean {
  return (
    region.includes(TOKEN_BREAK) ||
    [INSTRUCT_REGION_START, INSTRUCT_REGION_END, INSTRUCT_CURSOR].some((marker) => region.includes(marker))
  );
}

const FENCE_OPEN = /^\s*`{3,}[\w.+-]*\s*$/;
const FENCE_CLOSE = /^\s*`{3,}\s*$/;

/**
 * The region rewritten from the model's answer, or undefined when it can't be read. The region is the lines between
 * the last end marker (on a line of its own, or ending the region's last line) and the last start marker on a line of
 * its own before it; an answer without both is unreadable, never half a region. A thought (a reasoning model's, in
 * think tags) is not the answer, so markers it names are not either; a preamble that names them inline is skipped
 * the same way. A fence the model opened inside the markers goes when it is closed there too and the region itself
 * doesn't open with one. A cursor marker the model copied is taken out, and the breaks the prompt put in
 * special-token spellings are taken back.
 */
export function instructRewrite(answer: string, region: string): string | undefined {
  const lines = splitReasoning(answer).answer.split(/\r?\n/);
  let end = -1;
  for (let i = lines.length - 1; i >= 0 && end < 0; i--) if (lines[i].trimEnd().endsWith(INSTRUCT_REGION_END)) end = i;
  let start = -1;
  for (let i = end - 1; i >= 0 && start < 0; i--) if (lines[i].trim() === INSTRUCT_REGION_START) start = i;
  if (end < 0 || start < 0) return undefined;
  const body = lines.slice(start + 1, end);
  const last = lines[end].trimEnd().slice(0, -INSTRUCT_REGION_END.length);
  if (last.trim() !== "") body.push(last);
  const regionOpensFence = FENCE_OPEN.test(region.split("\n")[0] ?? "");
  if (body.length >= 2 && FENCE_OPEN.test(body[0]) && FENCE_CLOSE.test(body[body.length - 1]) && !regionOpensFence) {
    body.splice(0, 1);
    body.pop();
  }
  return restoreSpecialTokens(body.join("\n").split(INSTRUCT_CURSOR).join(""));
}
