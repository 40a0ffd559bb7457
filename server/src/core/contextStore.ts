/**
 * Cross-file context for completions: a ring buffer of chunks of other code the user has recently viewed or edited,
 * chosen per request by similarity to the code around the cursor. Pure.
 *
 * The chosen chunks keep their arrival order in the prompt, so a new chunk (which arrives last) only makes the
 * engine re-evaluate from itself on; and similarity is judged on the lines around the cursor, not on the line being
 * typed, so the choice holds still while typing on one line.
 */

export interface ContextChunk {
  /** The file's path as shown to the model (workspace-relative where possible). */
  path: string;
  uri: string;
  /** Up to MAX_CHUNK_LINES lines of the file. */
  text: string;
  /** First line of the chunk in its file (0-based), to tell chunks of one file apart. */
  startLine: number;
  /** Set by the store: identifies this version of the chunk (for cache keys). */
  id?: number;
}

export const MAX_CHUNKS = 16;
export const MAX_CHUNK_LINES = 64;
/** Chunks this similar (Jaccard over their lines) are the same chunk: the newer replaces the older. */
const DUPLICATE_SIMILARITY = 0.9;

interface StoredChunk extends ContextChunk {
  serial: number;
  words: Set<string>;
  lines: Set<string>;
}

const WORD = /[A-Za-z_$][\w$]*/g;
/** Keywords and one-letter names say nothing about which code is related. */
const NOISE = new Set(
  "const let var function return export import from if else for while do def class new this self true false null undefined async await public private protected static void int string number bool boolean in of and or not is as pass fn pub mut use mod impl struct type interface package func go end then local nil".split(
    " ",
  ),
);

export function wordsOf(text: string): Set<string> {
  return new Set((text.match(WORD) ?? []).filter((word) => word.length > 1 && !NOISE.has(word)));
}

export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

export class ContextStore {
  private chunks: StoredChunk[] = [];
  private serial = 0;

  constructor(private readonly capacity = MAX_CHUNKS) {}

  get size(): number {
    return this.chunks.length;
  }

  /** Adds a chunk (cut to MAX_CHUNK_LINES), replacing near-duplicates and evicting the oldest beyond capacity. */
  add(chunk: ContextChunk): void {
    const text = chunk.text.split("\n").slice(0, MAX_CHUNK_LINES).join("\n");
    if (text.trim() === "") return;
    const lines = new Set(
      text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== ""),
    );
    this.chunks = this.chunks.filter(
      (existing) =>
        !(existing.uri === chunk.uri && existing.startLine === chunk.startLine) &&
        jaccard(existing.lines, lines) < DUPLICATE_SIMILARITY,
    );
    this.chunks.push({ ...chunk, text, serial: ++this.serial, words: wordsOf(text), lines });
    if (this.chunks.length > this.capacity) this.chunks = this.chunks.slice(this.chunks.length - this.capacity);
  }

  /** The files chunks are held of, the most recently arrived first. */
  uris(): string[] {
    return [...new Set(this.chunks.map((chunk) => chunk.uri).reverse())];
  }

  /** Forgets a file's chunks (closed as sensitive, deleted, or excluded by a settings change). */
  removeWhere(predicate: (chunk: ContextChunk) => boolean): void {
    this.chunks = this.chunks.filter((chunk) => !predicate(chunk));
  }

  /**
   * The chunks most similar to `around` (the code near the cursor) that fit in `budgetChars`, from other places than
   * `excludeUri`'s lines shown already, in arrival order. Chunks sharing no identifier with the cursor's code are left out.
   */
  select(around: string, excludeUri: string, budgetChars: number): ContextChunk[] {
    const words = wordsOf(around);
    const ranked = this.chunks
      .filter((chunk) => chunk.uri !== excludeUri)
      .map((chunk) => ({ chunk, score: jaccard(chunk.words, words) }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || b.chunk.serial - a.chunk.serial);
    const chosen: StoredChunk[] = [];
    let used = 0;
    for (const { chunk } of ranked) {
      if (used + chunk.text.length > budgetChars) continue;
      chosen.push(chunk);
      used += chunk.text.length;
    }
    return chosen
      .sort((a, b) => a.serial - b.serial)
      .map(({ path, uri, text, startLine, serial }) => ({ path, uri, text, startLine, id: serial }));
  }
}
