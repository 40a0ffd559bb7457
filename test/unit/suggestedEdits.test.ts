import { strict as assert } from "node:assert";
import { afterAccepting, cursorAt, shownText, targetEdit } from "../../client/src/nextEdit/suggestedEdits";

describe("next edits on screen", () => {
  // "f(a) g(a) h(a)": three renames of a → bb.
  const edits = [
    { start: 2, end: 3, text: "bb" },
    { start: 7, end: 8, text: "bb" },
    { start: 12, end: 13, text: "bb" },
  ];

  it("Tab goes to the first edit at or after the cursor, or back to the first", () => {
    assert.equal(targetEdit(edits, 0), 0);
    assert.equal(targetEdit(edits, 5), 1);
    assert.equal(targetEdit(edits, 20), 0);
    assert.ok(cursorAt(edits[1], 7) && cursorAt(edits[1], 8) && !cursorAt(edits[1], 9));
  });

  it("accepting one moves the later edits by what it changed, and keeps the earlier ones", () => {
    const text = "f(a) g(a) h(a)";
    const rest = afterAccepting(edits, 1);
    assert.deepEqual(rest, [
      { start: 2, end: 3, text: "bb" },
      { start: 13, end: 14, text: "bb" },
    ]);
    const accepted = `${text.slice(0, 7)}bb${text.slice(8)}`;
    assert.equal(accepted.slice(rest[1].start, rest[1].end), "a");
  });

  it("draws a multi-line replacement as its first line and a count", () => {
    assert.equal(shownText("x"), "x");
    assert.equal(shownText("a\nb\nc"), "a ⏎ +2 more lines");
    assert.equal(shownText("\nb"), "b");
  });
});
