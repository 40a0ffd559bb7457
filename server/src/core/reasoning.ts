/**
 * Separates a reasoning model's thoughts from its answer, tolerantly. Most think inside `<think>…</think>`; Gemma 4
 * inside `<|channel>thought…<channel|>` (the engine passes the template's own tags). A prompt that already opened the
 * thought (R1 with `<think>` forced, Qwen3.5's template) leaves only the closing tag in the generated text.
 * Pure: it looks at the whole text so far, so a tag split across stream chunks is handled.
 */

/** The text that opens and closes a thought. */
export interface ThoughtTags {
  open: string;
  close: string;
}

export const THINK_TAGS: ThoughtTags = { open: "<think>", close: "</think>" };

export interface ReasoningSplit {
  thought: string;
  answer: string;
  /** True while the model is still inside its thought. */
  thinking: boolean;
}

/** The length of the longest suffix of `text` that is a proper prefix of one of the tags, which may yet complete. */
function pendingTagLength(text: string, tags: ThoughtTags): number {
  for (let length = Math.min(Math.max(tags.open.length, tags.close.length) - 1, text.length); length > 0; length--) {
    const tail = text.slice(text.length - length);
    if (tags.open.startsWith(tail) || tags.close.startsWith(tail)) return length;
  }
  return 0;
}

/**
 * @param raw the generated text so far
 * @param startsInThought whether the prompt already opened a thought (R1 forced, a template that opens it)
 */
export function splitReasoning(raw: string, startsInThought = false, tags: ThoughtTags = THINK_TAGS): ReasoningSplit {
  const { open: OPEN, close: CLOSE } = tags;
  const visible = raw.slice(0, raw.length - pendingTagLength(raw, tags));
  const open = visible.indexOf(OPEN);
  const close = visible.indexOf(CLOSE);
  if (open !== -1 && (close === -1 || open < close)) {
    const before = visible.slice(0, open);
    const inner = visible.slice(open + OPEN.length);
    const innerClose = inner.indexOf(CLOSE);
    if (innerClose === -1) return { thought: inner.trimStart(), answer: before.trim(), thinking: true };
    return {
      thought: inner.slice(0, innerClose).trim(),
      answer: `${before.trim()}${before.trim() ? "\n\n" : ""}${inner.slice(innerClose + CLOSE.length).trimStart()}`,
      thinking: false,
    };
  }
  if (close !== -1) {
    // A closing tag with no opening one: everything before it was thought.
    return { thought: visible.slice(0, close).trim(), answer: visible.slice(close + CLOSE.length).trimStart(), thinking: false };
  }
  if (startsInThought) return { thought: visible.trimStart(), answer: "", thinking: true };
  return { thought: "", answer: visible, thinking: false };
}

export type ReasoningDelta =
  | { kind: "thought" | "answer"; text: string }
  /** The split changed retroactively (a late closing tag): replace both parts. */
  | { kind: "reset"; thought: string; answer: string };

/** How a template's reply divides into thought and answer: tags (splitReasoning), or harmony's channels. */
export type ReplySplitter = (raw: string, ended: boolean) => ReasoningSplit;

export function tagSplitter(startsInThought = false, tags: ThoughtTags = THINK_TAGS): ReplySplitter {
  return (raw) => splitReasoning(raw, startsInThought, tags);
}

/** Turns growing raw text into the smallest deltas for a client that appends. */
export class ReasoningStream {
  private sent: ReasoningSplit = { thought: "", answer: "", thinking: false };

  constructor(private readonly split: ReplySplitter = tagSplitter()) {}

  get current(): ReasoningSplit {
    return this.sent;
  }

  /** @param ended whether `raw` is the whole reply (a splitter may hold back a tail until then) */
  update(raw: string, ended = false): ReasoningDelta[] {
    const next = this.split(raw, ended);
    const previous = this.sent;
    this.sent = next;
    return reasoningDeltas(previous, next);
  }
}

/** The smallest deltas that take a client that appends from `previous` to `next` (a reset if it isn't appending). */
export function reasoningDeltas(previous: ReasoningSplit, next: ReasoningSplit): ReasoningDelta[] {
  if (!next.thought.startsWith(previous.thought) || !next.answer.startsWith(previous.answer))
    return [{ kind: "reset", thought: next.thought, answer: next.answer }];
  const deltas: ReasoningDelta[] = [];
  if (next.thought.length > previous.thought.length)
    deltas.push({ kind: "thought", text: next.thought.slice(previous.thought.length) });
  if (next.answer.length > previous.answer.length)
    deltas.push({ kind: "answer", text: next.answer.slice(previous.answer.length) });
  return deltas;
}

/**
 * The answer, the thought and how long thinking took, for a reply that has ended. `thoughtMs` is the time at which
 * the thought ended, if that was seen (0 if not); a reply that ended still thinking, or whose thought's end was not
 * seen, thought for all of `elapsedMs`.
 */
export function finishedReply(
  split: ReasoningSplit,
  thoughtMs: number,
  elapsedMs: number,
): { answer: string; thought: string; thoughtMs: number } {
  if (split.thought === "") return { answer: split.answer.trim(), thought: "", thoughtMs: 0 };
  const took = split.thinking || thoughtMs === 0 ? elapsedMs : thoughtMs;
  return { answer: split.answer.trim(), thought: split.thought, thoughtMs: Math.round(took) };
}
