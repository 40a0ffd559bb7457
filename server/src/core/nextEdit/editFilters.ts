/**
 * What a next-edit prediction must not be: a revert of what the user just did, a change of whitespace only, or
 * nothing at all. Pure; judged on the window and the edits found in it.
 */
import type { WindowEdit } from "./windowEdits";

export type DroppedBecause = "unchanged" | "revertsLatestEdit" | "whitespaceOnly" | "truncated";

/**
 * The edits worth showing, or why there are none. `original` is the window before the user's latest edit: a
 * rewrite back to it undoes what the user just typed.
 */
export function keptEdits(input: {
  current: string;
  original: string;
  rewritten: string;
  edits: readonly WindowEdit[];
  complete: boolean;
}): { edits: WindowEdit[] } | { dropped: DroppedBecause } {
  // A rewrite cut off by the token limit would read as deleting every line it did not reach.
  if (!input.complete) return { dropped: "truncated" };
  if (input.edits.length === 0) return { dropped: "unchanged" };
  if (input.original !== input.current && input.rewritten === input.original) return { dropped: "revertsLatestEdit" };
  const edits = input.edits.filter((edit) => withoutSpace(edit.removed) !== withoutSpace(edit.text));
  if (edits.length === 0) return { dropped: "whitespaceOnly" };
  return { edits };
}

function withoutSpace(text: string): string {
  return text.replace(/\s+/g, "");
}
