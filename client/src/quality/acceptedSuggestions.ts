/**
 * Accepted suggestions watched for a minute, so an Undo that takes one back is counted as "undone". Pure.
 *
 * An accepted suggestion is the edit that put it in the document: the text it inserted, at an offset. Undo works
 * backwards through a document's edits, so by the time it takes the suggestion back every later edit to that
 * document is undone too, and the document is as it was right after the accept: that Undo replaces exactly the
 * inserted text, at exactly that offset. An Undo of the user's own later typing on the same line doesn't.
 */
import type { RecordKey } from "./suggestionRecord";

export const UNDO_WINDOW_MS = 60_000;

/** Text a change put in a document: where it starts, and how long it is. */
export interface InsertedText {
  offset: number;
  length: number;
}

export interface AcceptedSuggestion {
  key: RecordKey;
  uri: string;
  /** What accepting it changed in the document (usually one edit). */
  inserted: readonly InsertedText[];
  /** When it was accepted (the watcher's clock, in milliseconds). */
  at: number;
}

/** An Undo's change: the range it replaced, as an offset and a length in the text before the Undo. */
export interface ReplacedRange {
  offset: number;
  length: number;
}

export class AcceptedSuggestions {
  private watched: AcceptedSuggestion[] = [];

  constructor(private readonly windowMs = UNDO_WINDOW_MS) {}

  accepted(suggestion: AcceptedSuggestion): void {
    this.forgetOlderThan(suggestion.at);
    if (suggestion.inserted.length > 0) this.watched.push(suggestion);
  }

  /** The suggestion an Undo in `uri` replacing `ranges` takes back (then no longer watched), or undefined. */
  undo(uri: string, ranges: readonly ReplacedRange[], now: number): AcceptedSuggestion | undefined {
    this.forgetOlderThan(now);
    // The latest first: Undo takes back the newest change.
    for (let index = this.watched.length - 1; index >= 0; index--) {
      const suggestion = this.watched[index];
      if (suggestion.uri !== uri || !takesBack(ranges, suggestion.inserted)) continue;
      this.watched.splice(index, 1);
      return suggestion;
    }
    return undefined;
  }

  /** A closed document's suggestions can't be undone by VS Code's Undo any more. */
  closed(uri: string): void {
    this.watched = this.watched.filter((suggestion) => suggestion.uri !== uri);
  }

  clear(): void {
    this.watched = [];
  }

  get size(): number {
    return this.watched.length;
  }

  private forgetOlderThan(now: number): void {
    this.watched = this.watched.filter((suggestion) => now - suggestion.at <= this.windowMs);
  }
}

/** Whether an Undo replacing `ranges` replaces each inserted text exactly. */
function takesBack(ranges: readonly ReplacedRange[], inserted: readonly InsertedText[]): boolean {
  return inserted.every((text) => ranges.some((range) => range.offset === text.offset && range.length === text.length));
}
