/**
 * One next-edit prediction for a document: the window around the cursor, the window as it was before the latest
 * edit, the recent edits and related code, in the model's prompt format; the model's rewrite turned into minimal
 * edits and filtered. Shared by the request path and (later) speculation.
 */
import type { Range } from "vscode-languageserver";
import { keptEdits } from "../core/nextEdit/editFilters";
import { type EditHistory, windowBefore } from "../core/nextEdit/editHistory";
import { editWindow } from "../core/nextEdit/editWindow";
import { rewrittenWindow, SWEEP_MAX_EDITS, SWEEP_STOPS, sweepPrompt } from "../core/nextEdit/sweepPrompt";
import { lineBreakOf } from "../core/nextEdit/textChange";
import { windowEdits } from "../core/nextEdit/windowEdits";
import { segmentsAsText } from "../core/repoContext";
import type { ModelEngine } from "../engine/modelEngine";
import type { NextEditReport } from "../shared/protocol";
import type { HearthSettings } from "../shared/settings";

/** Related-file chunks in a next-edit prompt: few, since each costs prompt tokens on a small model. */
const RELATED_CHUNKS = 3;

export interface PredictionInput {
  uri: string;
  /** The document's text now. */
  text: string;
  cursorLine: number;
  path: string;
  relatedFiles: readonly { path: string; text: string }[];
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
  const prompt = sweepPrompt({
    path: input.path,
    relatedFiles: input.relatedFiles.slice(-RELATED_CHUNKS),
    // Settled edits only: the one in progress is the original → current pair, so typing leaves the history alone.
    edits: history.settledEdits(SWEEP_MAX_EDITS),
    originalWindow: original,
    currentWindow: window.text,
  });
  const result = await engine.predictEdit(
    { prompt, currentWindow: window.text, stops: SWEEP_STOPS },
    { maxTokens: settings.maxTokens, timeoutMs: settings.timeoutMs, signal, ...mode },
  );
  const rewritten = rewrittenWindow(result.rewrite, window.text);
  const found = windowEdits(window.text, rewritten);
  const kept = keptEdits({ current: window.text, original, rewritten, edits: found, complete: result.complete });
  const report: NextEditReport = {
    promptText: segmentsAsText(prompt),
    ...result.metrics,
    dropped: "dropped" in kept ? kept.dropped : undefined,
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
