/**
 * Accepted suggestions watched for a minute, so an Undo that takes one back is counted as "undone". Pure.
 *
 * An Undo in the same document that touches the lines the suggestion landed on is taken as undoing it (each
 * suggestion at most once). Lines shift when the user adds or removes lines above, which VS Code's undo of the
 * suggestion itself never does in between, so the rule errs only when the user edits above and then undoes something
 * else on those lines within the minute.
 */
import type { RecordKey } from "./suggestionRecord";

export const UNDO_WINDOW_MS = 60_000;

export interface AcceptedSuggestion {
  key: RecordKey;
  uri: string;
  /** The lines the accepted text occupies now, 0-based and inclusive. */
  startLine: number;
  endLine: number;
  /** When it was accepted (the watcher's clock, in milliseconds). */
  at: number;
}

export interface LineSpan {
  startLine: number;
  endLine: number;
}

export class AcceptedSuggestions {
  private watched: AcceptedSuggestion[] = [];

  constructor(private readonly windowMs = UNDO_WINDOW_MS) {}

  accepted(suggestion: AcceptedSuggestion): void {
    this.forgetOlderThan(suggestion.at);
    this.watched.push(suggestion);
  }

  /** The suggestion an Undo in `uri` over `spans` takes back (then no longer watched), or undefined. */
  undo(uri: string, spans: readonly LineSpan[], now: number): AcceptedSuggestion | undefined {
    this.forgetOlderThan(now);
    // The latest first: Undo takes back the newest change.
    for (let index = this.watched.length - 1; index >= 0; index--) {
      const suggestion = this.watched[index];
      if (suggestion.uri !== uri || !spans.some((span) => overlaps(span, suggestion))) continue;
      this.watched.splice(index, 1);
      return suggestion;
    }
    return undefined;
  }

  /** A closed document's suggestions can't be undone by VS Code's Undo any more. */
  closed(uri: string): void {
    this.watched = this.watched.filter((suggestion) => suggestion.uri !== uri);
  }

  get size(): number {
    return this.watched.length;
  }

  private forgetOlderThan(now: number): void {
    this.watched = this.watched.filter((suggestion) => now - suggestion.at <= this.windowMs);
  }
}

function overlaps(a: LineSpan, b: LineSpan): boolean {
  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}

/** The lines text inserted at `startLine` occupies: one more for each line break in it. */
export function linesOf(startLine: number, text: string): LineSpan {
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return { startLine, endLine: startLine + breaks };
}
