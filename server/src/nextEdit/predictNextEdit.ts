/**
 * One next-edit prediction for a document: the window around the cursor, the window as it was before the latest
 * edit, the recent edits and related code, in the model's prompt format; the model's rewrite turned into minimal
 * edits and filtered. Shared by the request path and (later) speculation.
 */
import type { Range } from "vscode-languageserver";
import { keptEdits } from "../core/nextEdit/editFilters";
import { type EditHistory, windowBefore } from "../core/nextEdit/editHistory";
import { type EditWindow, editWindow } from "../core/nextEdit/editWindow";
import {
  type DocumentProblem,
  INSTRUCT_MAX_EDITS,
  INSTRUCT_MAX_PROBLEMS,
  INSTRUCT_REGION_END,
  INSTRUCT_REGION_START,
  INSTRUCT_STOPS,
  instructPrompt,
  instructRegionHasMarker,
  instructRewrite,
} from "../core/nextEdit/instructPrompt";
import { rewrittenWindow, SWEEP_MAX_EDITS, SWEEP_STOPS, sweepPrompt } from "../core/nextEdit/sweepPrompt";
import { type LineChange, lineBreakOf, splitLines } from "../core/nextEdit/textChange";
import { windowEdits } from "../core/nextEdit/windowEdits";
import {
  ZETA2_DIFF_CONTEXT,
  ZETA2_MAX_EDITS,
  ZETA2_STOPS,
  zeta2Prompt,
  zeta2RegionHasMarker,
  zeta2Rewrite,
} from "../core/nextEdit/zeta2Prompt";
import { type Segment, segmentsAsText } from "../core/repoContext";
import type { ModelEngine, NextEditInput } from "../engine/modelEngine";
import type { NextEditReport } from "../shared/protocol";
import type { HearthSettings } from "../shared/settings";

/** Related-file chunks in a next-edit prompt: few, since each costs prompt tokens on a small model. */
const RELATED_CHUNKS = 3;
/**
 * Lines of context on each side of the window in a Zeta 2 or instruct prompt, which the model reads but does not
 * rewrite (Zed gives Zeta 2 about 150 tokens around a region of about 350).
 */
const CONTEXT_LINES = 8;
/** Characters of a problem's line shown with it. */
const PROBLEM_CODE_CHARS = 200;

export interface PredictionInput {
  uri: string;
  /** The document's text now. */
  text: string;
  cursorLine: number;
  /** The cursor's character on its line, where the format marks it (Zeta 2); the line's end when not given. */
  cursorCharacter?: number;
  path: string;
  relatedFiles: readonly { path: string; text: string }[];
  /** Errors and warnings the editor reports in this document (the formats with a place for them use them). */
  problems?: readonly DocumentProblem[];
}

export interface PredictedEdit {
  range: Range;
  text: string;
}

export async function predictNextEdit(
  engine: ModelEngine,
  history: EditHistory,
  input: PredictionInput,
  settings: HearthSettings["nextEdit"],
  signal: AbortSignal,
  mode: { speculative?: boolean; evaluateOnly?: boolean } = {},
): Promise<{ edits: PredictedEdit[]; report: NextEditReport }> {
  const window = editWindow(input.text, input.cursorLine);
  const latest = history.latest(input.uri);
  const original = latest ? windowBefore(latest.before, latest.change, window.startLine, window.endLine) : window.text;
  const format = settings.format === "auto" ? await engine.nextEditFormat(signal) : settings.format;
  const request =
    format === "zeta2"
      ? zeta2Request(history, input, window, latest?.change)
      : format === "instruct"
        ? instructRequest(history, input, window, latest?.change)
        : sweepRequest(history, input, window.text, original);
  const options = { maxTokens: settings.maxTokens, timeoutMs: settings.timeoutMs, signal, ...mode };
  if (request.refused) {
    const metrics = { promptTokens: 0, evaluatedPromptTokens: 0, generatedTokens: 0, durationMs: 0, stopReason: "stop" };
    return { edits: [], report: { promptText: segmentsAsText(request.prompt), ...metrics, dropped: request.refused, format } };
  }
  const result = await engine.predictEdit(request, options);
  const rewritten = request.rewritten(result.rewrite);
  if (rewritten === undefined) {
    const report = {
      promptText: result.promptText ?? segmentsAsText(request.prompt),
      ...result.metrics,
      dropped: "unreadable",
      format,
    };
    return { edits: [], report };
  }
  const found = windowEdits(window.text, rewritten);
  const kept = keptEdits({ current: window.text, original, rewritten, edits: found, complete: result.complete });
  const report: NextEditReport = {
    promptText: result.promptText ?? segmentsAsText(request.prompt),
    ...result.metrics,
    dropped: "dropped" in kept ? kept.dropped : undefined,
    format,
  };
  if ("dropped" in kept) return { edits: [], report };
  // The model writes "\n"; the document keeps its own line breaks.
  const lineBreak = lineBreakOf(input.text);
  const edits = kept.edits.map((edit) => ({
    range: {
      start: { line: window.startLine + edit.start.line, character: edit.start.character },
      end: { line: window.startLine + edit.end.line, character: edit.end.character },
    },
    text: lineBreak === "\n" ? edit.text : edit.text.split("\n").join(lineBreak),
  }));
  return { edits, report };
}

interface FormatRequest extends NextEditInput {
  /** The model's answer as the window rewritten; undefined when it can't be read. */
  rewritten(answer: string): string | undefined;
  /** Why the model isn't asked at all, if it isn't. */
  refused?: string;
}

function sweepRequest(history: EditHistory, input: PredictionInput, current: string, original: string): FormatRequest {
  const prompt = sweepPrompt({
    path: input.path,
    relatedFiles: input.relatedFiles.slice(-RELATED_CHUNKS),
    // Settled edits only: the one in progress is the original → current pair, so typing leaves the history alone.
    edits: history.settledEdits(SWEEP_MAX_EDITS),
    originalWindow: original,
    currentWindow: current,
  });
  return { prompt, currentWindow: current, stops: SWEEP_STOPS, rewritten: (answer) => rewrittenWindow(answer, current) };
}

/**
 * Zeta 2 rewrites the window as Zed's region: whole lines with their line breaks, context lines around it, the
 * cursor marked. Its history is a list of diffs, so the edit in progress is the last of them.
 */
function zeta2Request(
  history: EditHistory,
  input: PredictionInput,
  window: EditWindow,
  inProgress: LineChange | undefined,
): FormatRequest {
  const lines = splitLines(input.text);
  // The window's last line keeps its line break when a line follows (the file's last line has none).
  const region = window.endLine < lines.length ? `${window.text}\n` : window.text;
  const cursorLine = Math.min(input.cursorLine, lines.length - 1);
  const lineStart = lines.slice(window.startLine, cursorLine).reduce((sum, line) => sum + line.length + 1, 0);
  const line = lines[cursorLine] ?? "";
  const cursor = lineStart + Math.min(input.cursorCharacter ?? line.length, line.length);
  // The edit in progress carries Zed's context lines; settled edits keep only their changed lines.
  const typing = inProgress && {
    ...inProgress,
    path: input.path,
    context: {
      above: lines.slice(Math.max(0, inProgress.startLine - ZETA2_DIFF_CONTEXT), inProgress.startLine),
      below: lines.slice(
        inProgress.startLine + inProgress.after.length,
        inProgress.startLine + inProgress.after.length + ZETA2_DIFF_CONTEXT,
      ),
    },
  };
  const edits = [...history.settledEdits(ZETA2_MAX_EDITS), ...(typing ? [typing] : [])].slice(-ZETA2_MAX_EDITS);
  const prompt: Segment[] = zeta2Prompt({
    path: input.path,
    relatedFiles: input.relatedFiles.slice(-RELATED_CHUNKS),
    edits,
    before: lines
      .slice(Math.max(0, window.startLine - CONTEXT_LINES), window.startLine)
      .map((text) => `${text}\n`)
      .join(""),
    region,
    cursor,
    after: lines.slice(window.endLine, window.endLine + CONTEXT_LINES).join("\n"),
  });
  return {
    prompt,
    currentWindow: window.text,
    stops: ZETA2_STOPS,
    // The answer is the changed blocks only: nothing to compare with the window until it ends.
    earlyStop: false,
    // Zed makes no prediction where the region spells a marker: the answer could not be told from it.
    refused: zeta2RegionHasMarker(region) ? "regionSpellsMarker" : undefined,
    rewritten: (answer) => {
      const rewrittenRegion = zeta2Rewrite(answer, region);
      if (rewrittenRegion === undefined || region === window.text) return rewrittenRegion;
      return rewrittenRegion.endsWith("\n") ? rewrittenRegion.slice(0, -1) : rewrittenRegion;
    },
  };
}

/**
 * An instruct model rewrites the window between region markers, with the lines around it, the recent edits (the one
 * being typed last) and the problems the editor reports near it, nearest the cursor first.
 */
function instructRequest(
  history: EditHistory,
  input: PredictionInput,
  window: EditWindow,
  inProgress: LineChange | undefined,
): FormatRequest {
  const lines = splitLines(input.text);
  const cursorLine = Math.min(input.cursorLine, lines.length - 1);
  const cursorText = lines[cursorLine] ?? "";
  const firstLine = Math.max(0, window.startLine - CONTEXT_LINES);
  const lastLine = window.endLine + CONTEXT_LINES;
  const problems = (input.problems ?? [])
    .filter((problem) => problem.line >= firstLine && problem.line < lastLine)
    .sort((a, b) => Math.abs(a.line - cursorLine) - Math.abs(b.line - cursorLine))
    .slice(0, INSTRUCT_MAX_PROBLEMS)
    // The code around the problem, not the whole line: a minified file's line can be megabytes.
    .map((problem) => {
      const code = lines[problem.line] ?? "";
      const from = Math.max(0, problem.character - PROBLEM_CODE_CHARS / 2);
      return { ...problem, code: code.slice(from, from + PROBLEM_CODE_CHARS) };
    });
  const typing = inProgress && { ...inProgress, path: input.path };
  const chat = instructPrompt({
    path: input.path,
    relatedFiles: input.relatedFiles.slice(-RELATED_CHUNKS),
    edits: [...history.settledEdits(INSTRUCT_MAX_EDITS), ...(typing ? [typing] : [])],
    problems,
    before: lines.slice(firstLine, window.startLine),
    region: lines.slice(window.startLine, window.endLine),
    cursor: {
      line: cursorLine - window.startLine,
      character: Math.min(input.cursorCharacter ?? cursorText.length, cursorText.length),
    },
    after: lines.slice(window.endLine, lastLine),
  });
  return {
    prompt: [{ text: `${chat.system}\n\n${chat.user}` }],
    chat,
    currentWindow: window.text,
    stops: INSTRUCT_STOPS,
    // The window's lines follow the start marker's line: the early stop reads from there.
    answerFrame: { opener: INSTRUCT_REGION_START, closer: INSTRUCT_REGION_END },
    refused: instructRegionHasMarker(window.text) ? "regionSpellsMarker" : undefined,
    rewritten: (answer) => {
      const region = instructRewrite(answer, window.text);
      return region === undefined ? undefined : rewrittenWindow(region, window.text);
    },
  };
}
