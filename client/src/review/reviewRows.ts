/**
 * The in-editor diff as rows: while a proposal is reviewed, the document holds the original lines and the proposed
 * ones together, each row marked as kept by both (`same`), only by Reject (`removed`), only by Accept (`added`),
 * or not reached yet by a proposal still streaming (`pending`, an original line). Pure, so it is tested without
 * VS Code; the review (inlineReview.ts) turns row changes into editor edits.
 */
import { diffArrays } from "diff";

export type RowKind = "same" | "removed" | "added" | "pending";

export interface Row {
  kind: RowKind;
  text: string;
}

/**
 * The rows for the original lines and the proposal so far. An unfinished proposal's last line may be cut mid-line,
 * so it waits for its line break; original lines after the last one the proposal has reached are pending, not
 * removed, since the proposal may yet keep them.
 */
export function reviewRows(original: readonly string[], proposal: readonly string[], complete: boolean): Row[] {
  const proposed = complete ? proposal : proposal.slice(0, -1);
  const rows: Row[] = [];
  for (const part of diffArrays([...original], [...proposed])) {
    const kind: RowKind = part.added ? "added" : part.removed ? "removed" : "same";
    for (const text of part.value) rows.push({ kind, text });
  }
  const ordered = removedFirst(rows);
  if (complete) return ordered;
  // After the last line both keep, the proposal has replaced as many original lines as it has written so far; the
  // original lines beyond those are not reached yet.
  const tail = ordered.length - [...ordered].reverse().findIndex((row) => row.kind === "same");
  const run = tail > ordered.length ? ordered : ordered.slice(tail);
  const head = tail > ordered.length ? [] : ordered.slice(0, tail);
  const removed = run.filter((row) => row.kind === "removed");
  const added = run.filter((row) => row.kind === "added");
  return [
    ...head,
    ...removed.slice(0, added.length),
    ...added,
    ...removed.slice(added.length).map((row): Row => ({ ...row, kind: "pending" })),
  ];
}

function removedFirst(rows: Row[]): Row[] {
  const result: Row[] = [];
  let run: Row[] = [];
  const flush = () => {
    result.push(...run.filter((row) => row.kind === "removed"), ...run.filter((row) => row.kind === "added"));
    run = [];
  };
  for (const row of rows) {
    if (row.kind === "removed" || row.kind === "added") run.push(row);
    else {
      flush();
      result.push(row);
    }
  }
  flush();
  return result;
}

/** The lines Accept leaves. */
export function acceptedLines(rows: readonly Row[]): string[] {
  return rows.filter((row) => row.kind === "same" || row.kind === "added").map((row) => row.text);
}

/** The lines Reject leaves: the original, with whatever the user typed into it meanwhile. */
export function rejectedLines(rows: readonly Row[]): string[] {
  return rows.filter((row) => row.kind !== "added").map((row) => row.text);
}

/** A line-level change to the document's rows: rows `from`..`from + count` replaced by `texts`. */
export interface RowSplice {
  from: number;
  count: number;
  texts: string[];
}

/** The line splices that take the document from `now` to `next` (few and small, so the user's cursor stays put). */
export function rowSplices(now: readonly string[], next: readonly string[]): RowSplice[] {
  const splices: RowSplice[] = [];
  let row = 0;
  let pending: RowSplice | undefined;
  for (const part of diffArrays([...now], [...next])) {
    if (!part.added && !part.removed) {
      if (pending) splices.push(pending);
      pending = undefined;
      row += part.count ?? part.value.length;
      continue;
    }
    pending ??= { from: row, count: 0, texts: [] };
    if (part.removed) {
      pending.count += part.value.length;
      row += part.value.length;
    } else pending.texts.push(...part.value);
  }
  if (pending) splices.push(pending);
  return splices;
}

/**
 * The row kinds after the user replaced rows `from`..`from + count` with `lines` new lines. Text the user writes is
 * theirs to keep either way: rows of one kind stay that kind, a change that keeps the row count keeps each row's
 * kind, and anything else becomes `same`, kept by Accept and Reject alike.
 */
export function kindsAfterUserEdit(kinds: readonly RowKind[], from: number, count: number, lines: number): RowKind[] {
  const touched = kinds.slice(from, from + count);
  let replaced: RowKind[];
  if (touched.length === lines) replaced = touched;
  else if (touched.length > 0 && touched.every((kind) => kind === touched[0])) replaced = Array(lines).fill(touched[0]);
  else replaced = Array(lines).fill("same");
  return [...kinds.slice(0, from), ...replaced, ...kinds.slice(from + count)];
}
