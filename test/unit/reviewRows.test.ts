import { strict as assert } from "node:assert";
import {
  acceptedLines,
  kindsAfterUserEdit,
  type Row,
  rejectedLines,
  reviewRows,
  rowSplices,
} from "../../client/src/review/reviewRows";

/** Rows as "kind text" strings, easy to compare. */
function shown(rows: readonly Row[]): string[] {
  return rows.map((row) => `${row.kind} ${row.text}`);
}

function applySplices(lines: readonly string[], next: readonly string[]): string[] {
  const result = [...lines];
  // Splices are in row order against the old lines: apply the last first.
  for (const splice of [...rowSplices(lines, next)].reverse()) result.splice(splice.from, splice.count, ...splice.texts);
  return result;
}

describe("the in-editor diff's rows", () => {
  const original = ["function total(xs) {", "  let sum = 0;", "  for (const x of xs) sum += x;", "  return sum;", "}"];
  const fixed = ["function total(xs) {", "  return xs.reduce((sum, x) => sum + x, 0);", "}"];

  it("marks each original line kept or removed and each proposed line added, removed lines first", () => {
    const rows = reviewRows(original, fixed, true);
    assert.deepEqual(shown(rows), [
      "same function total(xs) {",
      "removed   let sum = 0;",
      "removed   for (const x of xs) sum += x;",
      "removed   return sum;",
      "added   return xs.reduce((sum, x) => sum + x, 0);",
      "same }",
    ]);
    assert.deepEqual(acceptedLines(rows), fixed);
    assert.deepEqual(rejectedLines(rows), original);
  });

  it("puts removed lines above their replacement even where the diff lists the insertion first", () => {
    const rows = reviewRows(["a", "x", "b"], ["a", "y", "z", "b"], true);
    assert.deepEqual(shown(rows), ["same a", "removed x", "added y", "added z", "same b"]);
  });

  it("while streaming, holds back a line cut mid-way and leaves the lines not reached yet pending", () => {
    // The model has written the first line, its line break, and half of the next.
    const rows = reviewRows(original, ["function total(xs) {", "  return xs.red"], false);
    assert.deepEqual(
      rows.map((row) => row.kind),
      ["same", "pending", "pending", "pending", "pending"],
    );
    const further = reviewRows(original, [...fixed.slice(0, 2), ""], false);
    assert.deepEqual(shown(further), [
      "same function total(xs) {",
      "removed   let sum = 0;",
      "added   return xs.reduce((sum, x) => sum + x, 0);",
      "pending   for (const x of xs) sum += x;",
      "pending   return sum;",
      "pending }",
    ]);
    assert.deepEqual(rejectedLines(further), original, "Reject mid-stream leaves the original");
  });

  it("turns any row change into few line splices that reproduce it exactly", () => {
    const cases: Array<[string[], string[]]> = [
      [original, shown(reviewRows(original, fixed, true))],
      [
        ["a", "b", "c"],
        ["a", "c"],
      ],
      [
        ["a", "b", "c"],
        ["x", "a", "b", "c", "y"],
      ],
      [["a"], []],
      [[], ["a", "b"]],
      [
        ["}", "a", "}"],
        ["}", "}", "b", "}"],
      ],
    ];
    for (const [now, next] of cases) assert.deepEqual(applySplices(now, next), next, JSON.stringify([now, next]));
    // A proposal arriving line by line only ever inserts below what is there: the user's cursor line is untouched.
    const splices = rowSplices(["same", "pending"], ["same", "added", "pending"]);
    assert.deepEqual(splices, [{ from: 1, count: 0, texts: ["added"] }]);
  });

  it("keeps what the user types in the review for both choices", () => {
    const kinds = ["same", "removed", "added", "same"] as const;
    // Typing within one line keeps its kind; Enter in a green line makes two green lines.
    assert.deepEqual(kindsAfterUserEdit(kinds, 1, 1, 1), kinds);
    assert.deepEqual(kindsAfterUserEdit(kinds, 2, 1, 2), ["same", "removed", "added", "added", "same"]);
    // Joining a red and a green line: the result is the user's, kept by Accept and Reject alike.
    assert.deepEqual(kindsAfterUserEdit(kinds, 1, 2, 1), ["same", "same", "same"]);
    const rows: Row[] = ["same", "same", "same"].map((kind, i) => ({ kind: kind as "same", text: `line ${i}` }));
    assert.deepEqual(acceptedLines(rows), rejectedLines(rows));
  });
});
