/**
 * Suggestions already computed, so that returning to a state the model has answered (deleting back, coming back to a
 * line, typing through a suggestion) shows it with no model call. Pure LRU; keys are hashes of the prompt's parts.
 */

import { createHash } from "node:crypto";
import { LruMap } from "./lruMap";

export interface CacheKeyParts {
  uri: string;
  /** Lines before the cursor's line (the prompt's prefix window). */
  prefix: string;
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  suffix: string;
}

/** How many characters typed through a cached suggestion are looked back for. */
const TYPE_THROUGH_LOOKBACK = 32;

function key(parts: CacheKeyParts, linePrefix = parts.linePrefix): string {
  return createHash("sha1")
    .update(parts.uri)
    .update("\0")
    .update(parts.prefix)
    .update("\0")
    .update(linePrefix)
    .update("\0")
    .update(parts.suffix)
    .digest("base64");
}

export class SuggestionCache {
  private readonly entries: LruMap<string, string>;

  constructor(capacity = 256) {
    this.entries = new LruMap(capacity);
  }

  /** The cached suggestion for exactly this state, or the rest of one the user has been typing through. */
  get(parts: CacheKeyParts): string | undefined {
    const exact = this.entries.get(key(parts));
    if (exact !== undefined) return exact;
    for (let typed = 1; typed <= Math.min(TYPE_THROUGH_LOOKBACK, parts.linePrefix.length); typed++) {
      const earlier = parts.linePrefix.slice(0, parts.linePrefix.length - typed);
      const suggestion = this.entries.peek(key(parts, earlier));
      if (suggestion === undefined) continue;
      const typedText = parts.linePrefix.slice(earlier.length);
      if (suggestion.startsWith(typedText) && suggestion.length > typedText.length) return suggestion.slice(typedText.length);
      return undefined; // the nearest earlier answer disagrees with what was typed
    }
    return undefined;
  }

  set(parts: CacheKeyParts, suggestion: string): void {
    this.entries.set(key(parts), suggestion);
  }

  get size(): number {
    return this.entries.size;
  }
}
