/**
 * The recent edits as the user made them, for next-edit prediction. Keystrokes are coalesced into settled edits: an
 * edit goes on while the user keeps typing in the same place, and settles on a pause, a change elsewhere, a save,
 * or when a suggestion is accepted (which is recorded as an edit of its own, marked accepted). Pure: time comes in
 * as an argument; the caller keeps secrets files out.
 */
import { type LineChange, lineChange, splitLines } from "./textChange";

export interface RecordedEdit {
  uri: string;
  /** The file's path as the model sees it. */
  path: string;
  /** First changed line, 0-based, in the document after the edit. */
  startLine: number;
  /** The changed lines before the edit (cut in the middle past `linesPerSide`). */
  before: string[];
  /** The changed lines after it. */
  after: string[];
  /** The edit was a suggestion the user accepted. */
  accepted: boolean;
  /** When it last grew (ms, the caller's clock). */
  lastChange: number;
}

export const EDIT_HISTORY_LIMITS = {
  /** Settled edits kept, over all documents. */
  edits: 32,
  /** Lines kept of each side of an edit; a longer side keeps its start and end around an elided middle. */
  linesPerSide: 40,
  /** A pause this long ends an edit. */
  pauseMs: 1500,
  /** A change further than this many lines from the edit in progress starts a new one. */
  nearbyLines: 8,
  /** Documents longer than this (characters) are not tracked: comparing versions per keystroke would cost too much. */
  documentChars: 2_000_000,
} as const;

/** The line that stands for the elided middle of a long side. */
export const ELIDED_LINES = "...";

interface DocumentState {
  path: string;
  /** The text before the edit in progress (the text now when none is). */
  base: string;
  /** The text now. */
  current: string;
  /** An edit is in progress (base → current not settled yet). */
  pending: boolean;
  lastChange: number;
}

export class EditHistory {
  private readonly documents = new Map<string, DocumentState>();
  private settled: RecordedEdit[] = [];

  /** A copy to try "what if" on (speculation) without touching this one. */
  fork(): EditHistory {
    const copy = new EditHistory();
    for (const [uri, state] of this.documents) copy.documents.set(uri, { ...state });
    copy.settled = [...this.settled];
    return copy;
  }

  /** A document Hearth now follows (opened), with its text. */
  opened(uri: string, path: string, text: string): void {
    if (text.length > EDIT_HISTORY_LIMITS.documentChars) return;
    this.documents.set(uri, { path, base: text, current: text, pending: false, lastChange: 0 });
  }

  /**
   * The document's path as the model sees it, from now on: a notebook's cells are opened before their notebook is
   * known, so a cell learns its name (`analysis.ipynb#cell2`) later.
   */
  relabel(uri: string, path: string): void {
    const state = this.documents.get(uri);
    if (state !== undefined) state.path = path;
  }

  /** The document went from its last known text to `text` at `now`. */
  changed(uri: string, text: string, now: number, accepted = false): void {
    const state = this.documents.get(uri);
    if (state === undefined) return;
    if (text.length > EDIT_HISTORY_LIMITS.documentChars) {
      this.forget(uri);
      return;
    }
    const change = lineChange(state.current, text);
    if (change === undefined) return;
    if (accepted) {
      this.settle(uri);
      this.settled.push(recorded(uri, state.path, change, true, now));
      this.trim();
      state.base = text;
      state.current = text;
      state.pending = false;
      state.lastChange = now;
      return;
    }
    const inProgress = state.pending ? lineChange(state.base, state.current) : undefined;
    const continues =
      inProgress !== undefined &&
      now - state.lastChange < EDIT_HISTORY_LIMITS.pauseMs &&
      near(inProgress, change, EDIT_HISTORY_LIMITS.nearbyLines);
    if (!continues) {
      this.settle(uri);
      state.base = state.current;
    }
    state.current = text;
    state.pending = true;
    state.lastChange = now;
    // Typing back to where the edit began leaves nothing to remember.
    if (state.base === state.current) state.pending = false;
  }

  /**
   * An answer arrived for the document at `now`: time spent waiting for the model is not a pause, so the edit in
   * progress counts as last changed now (on a slow machine, one key per answer still makes one edit).
   */
  answered(uri: string, now: number): void {
    const state = this.documents.get(uri);
    if (state?.pending) state.lastChange = Math.max(state.lastChange, now);
  }

  /** Saving ends the edit in progress. */
  saved(uri: string): void {
    this.settle(uri);
  }

  /** The edit in progress counts as done (in a fork, for predictions in other files, which read it as history). */
  endEdit(uri: string): void {
    this.settle(uri);
  }

  /** Settles an edit that has been idle past the pause, so a prediction sees it as done. */
  settleIdle(now: number): void {
    for (const [uri, state] of this.documents) {
      if (state.pending && now - state.lastChange >= EDIT_HISTORY_LIMITS.pauseMs) this.settle(uri);
    }
  }

  /** The document is closed: its edit in progress settles, and its text is no longer kept. */
  closed(uri: string): void {
    this.settle(uri);
    this.documents.delete(uri);
  }

  /** Stops following a document and forgets its edits (it became a secrets file, or too large). */
  forget(uri: string): void {
    this.documents.delete(uri);
    this.settled = this.settled.filter((edit) => edit.uri !== uri);
  }

  /** The most recent edits, oldest first, the one in progress (if any) last. */
  recent(limit: number): RecordedEdit[] {
    const inProgress: RecordedEdit[] = [];
    for (const [uri, state] of this.documents) {
      const change = state.pending ? lineChange(state.base, state.current) : undefined;
      if (change) inProgress.push(recorded(uri, state.path, change, false, state.lastChange));
    }
    const all = [...this.settled, ...inProgress.sort((a, b) => a.lastChange - b.lastChange)];
    return all.slice(Math.max(0, all.length - limit));
  }

  /**
   * The settled edits, oldest first: what a prompt lists as history. The edit in progress is left out on purpose:
   * the prompt shows it as the window before and after (original → current), and listing it too would change the
   * prompt's early part on every keystroke, so each keystroke would re-evaluate the history and both windows.
   */
  settledEdits(limit: number): RecordedEdit[] {
    return this.settled.slice(Math.max(0, this.settled.length - limit));
  }

  /** The document's text before the edit in progress and that edit (for the window "as it was"), if one is. */
  latest(uri: string): { before: string; change: LineChange } | undefined {
    const state = this.documents.get(uri);
    if (state === undefined) return undefined;
    const change = lineChange(state.base, state.current);
    return change ? { before: state.base, change } : undefined;
  }

  private settle(uri: string): void {
    const state = this.documents.get(uri);
    if (state === undefined || !state.pending) return;
    state.pending = false;
    const change = lineChange(state.base, state.current);
    // A settled edit is history: the window "as it was" is the window now until the next edit begins.
    state.base = state.current;
    if (change === undefined) return;
    this.settled.push(recorded(uri, state.path, change, false, state.lastChange));
    this.trim();
  }

  private trim(): void {
    if (this.settled.length > EDIT_HISTORY_LIMITS.edits) this.settled = this.settled.slice(-EDIT_HISTORY_LIMITS.edits);
  }
}

/** Whether a new change lies within `lines` lines of the edit in progress. */
function near(edit: LineChange, change: LineChange, lines: number): boolean {
  const editEnd = edit.startLine + Math.max(edit.after.length, 1);
  const changeEnd = change.startLine + Math.max(change.before.length, 1);
  return change.startLine <= editEnd + lines && changeEnd >= edit.startLine - lines;
}

function recorded(uri: string, path: string, change: LineChange, accepted: boolean, at: number): RecordedEdit {
  return {
    uri,
    path,
    startLine: change.startLine,
    before: elide(change.before),
    after: elide(change.after),
    accepted,
    lastChange: at,
  };
}

function elide(lines: string[]): string[] {
  const limit = EDIT_HISTORY_LIMITS.linesPerSide;
  if (lines.length <= limit) return lines;
  const head = Math.floor(limit / 2);
  const tail = limit - head - 1;
  return [...lines.slice(0, head), ELIDED_LINES, ...lines.slice(lines.length - tail)];
}

/**
 * The lines `[start, end)` of the current text mapped to the text before `change`: lines above the change are the
 * same, lines below it moved by the change's growth, and a window edge inside the change goes to the change's edge.
 */
export function windowBefore(before: string, change: LineChange, start: number, end: number): string {
  const changeEnd = change.startLine + change.after.length;
  const map = (line: number, edge: "start" | "end"): number => {
    if (line <= change.startLine) return line;
    if (line >= changeEnd) return line - change.after.length + change.before.length;
    return edge === "start" ? change.startLine : change.startLine + change.before.length;
  };
  return splitLines(before).slice(map(start, "start"), map(end, "end")).join("\n");
}
