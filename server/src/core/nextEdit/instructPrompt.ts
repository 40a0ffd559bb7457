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
import { neutraliseChatText, restoreSpecialTokens } from "../textPrompt";
import { zeta2EditDiff } from "./zeta2Prompt";

export const INSTRUCT_REGION_START = "<|editable_region_start|>";
export const INSTRUCT_REGION_END = "<|editable_region_end|>";
export const INSTRUCT_CURSOR = "<|user_cursor_is_here|>";
/** The answer ends where the model closes the region. */
export const INSTRUCT_STOPS = [INSTRUCT_REGION_END] as const;
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
  /** 0-based line in the document. */
  line: number;
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
    const severity = diagnostic?.severity === 1 ? "error" : diagnostic?.severity === 2 ? "warning" : undefined;
    const message = typeof diagnostic?.message === "string" ? diagnostic.message : diagnostic?.message?.value;
    if (!Number.isInteger(line) || line < 0 || severity === undefined || typeof message !== "string") continue;
    const source = typeof diagnostic.source === "string" ? diagnostic.source.slice(0, 40) : undefined;
    problems.push({ line, severity, message: message.slice(0, 500), source });
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
    const files = input.relatedFiles.map((file) => fenced(` ${safe(file.path)}`, safe(file.text)));
    sections.push(`## Related code\n\n${files.join("\n\n")}`);
  }
  if (input.problems.length > 0) {
    const lines = input.problems.slice(0, INSTRUCT_MAX_PROBLEMS).map((problem) => {
      const source = problem.source ? ` (${safe(problem.source)})` : "";
      return `- ${problem.severity}${source}: ${safe(problem.message.split(/\r?\n/)[0])}\n  in: ${safe(problem.code.trim())}`;
    });
    sections.push(`## Problems\n\n${lines.join("\n")}`);
  }
  const region = input.region.map((line, index) => {
    if (index !== input.cursor.line) return safe(line);
    const at = input.cursor.character;
    return `${safe(line.slice(0, at))}${INSTRUCT_CURSOR}${safe(line.slice(at))}`;
  });
  const excerpt = [
    ...input.before.map(safe),
    INSTRUCT_REGION_START,
    ...region,
    INSTRUCT_REGION_END,
    ...input.after.map(safe),
  ].join("\n");
  sections.push(`## Current file\n\n${fenced(` ${safe(input.path)}`, excerpt)}`);
  return { system: INSTRUCT_SYSTEM, user: sections.join("\n\n") };
}

/** Whether the region spells a marker: the model's answer could not be told from it, so no prediction is made. */
export function instructRegionHasMarker(region: string): boolean {
  return [INSTRUCT_REGION_START, INSTRUCT_REGION_END, INSTRUCT_CURSOR].some((marker) => region.includes(marker));
}

/**
 * The region rewritten from the model's answer (the engine has cut it at the end marker), or undefined when it has
 * no start marker. A thought before it (a reasoning model's) and a code fence around it are left out; a cursor
 * marker the model copied is taken out; the breaks the prompt put in special-token spellings are taken back.
 */
export function instructRewrite(answer: string): string | undefined {
  const start = answer.lastIndexOf(INSTRUCT_REGION_START);
  if (start === -1) return undefined;
  let body = answer.slice(start + INSTRUCT_REGION_START.length);
  body = body.replace(/^[ \t]*\r?\n/, "");
  // What trails the last line: the line break before the end marker, and a fence the model opened around its answer.
  body = body.replace(/\r?\n[ \t]*$/, "").replace(/\r?\n?`{3,}[ \t]*$/, "");
  return restoreSpecialTokens(body.split(INSTRUCT_CURSOR).join(""));
}
