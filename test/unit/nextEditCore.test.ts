import { strict as assert } from "node:assert";
import { rejoinedWindow } from "../../server/src/core/nextEdit/earlyStop";
import { keptEdits } from "../../server/src/core/nextEdit/editFilters";
import { EDIT_HISTORY_LIMITS, EditHistory, windowBefore } from "../../server/src/core/nextEdit/editHistory";
import { editWindow, editWindowRange } from "../../server/src/core/nextEdit/editWindow";
import { rewrittenWindow, SWEEP_FILE_SEP, sweepPrompt } from "../../server/src/core/nextEdit/sweepPrompt";
import { applyWindowEdits, windowEdits } from "../../server/src/core/nextEdit/windowEdits";
import { segmentsAsText } from "../../server/src/core/repoContext";

const PAUSE = EDIT_HISTORY_LIMITS.pauseMs;

describe("next edit: edit history", () => {
  it("coalesces keystrokes on one line into one edit, settled by a pause", () => {
    const history = new EditHistory();
    history.opened("u", "a.ts", "function f(a) {\n  return a;\n}");
    history.changed("u", "function f(ab) {\n  return a;\n}", 0);
    history.changed("u", "function f(abc) {\n  return a;\n}", 100);
    assert.deepEqual(
      history.recent(3).map((edit) => [edit.before, edit.after, edit.startLine]),
      [[["function f(a) {"], ["function f(abc) {"], 0]],
    );
    assert.deepEqual(history.settledEdits(3), [], "the edit in progress is not settled");
    // After a pause, the next keystroke starts a new edit.
    history.changed("u", "function f(abc) {\n  return ab;\n}", 100 + PAUSE);
    assert.deepEqual(
      history.recent(3).map((edit) => edit.after),
      [["function f(abc) {"], ["  return ab;"]],
    );
  });

  it("starts a new edit when the change is far from the one in progress, and on save", () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const history = new EditHistory();
    history.opened("u", "a.ts", lines.join("\n"));
    const edited = (changes: Record<number, string>) => lines.map((line, i) => changes[i] ?? line).join("\n");
    history.changed("u", edited({ 2: "line two" }), 0);
    history.changed("u", edited({ 2: "line two", 30: "line thirty" }), 10);
    assert.equal(history.recent(5).length, 2, "a change 28 lines away is a new edit");
    history.saved("u");
    history.changed("u", edited({ 2: "line two", 30: "line thirty!" }), 20);
    assert.deepEqual(
      history.recent(5).map((edit) => edit.after),
      [["line two"], ["line thirty"], ["line thirty!"]],
    );
  });

  it("records an accepted suggestion as an edit of its own, and keeps a bounded number of edits", () => {
    const history = new EditHistory();
    history.opened("u", "a.ts", "x");
    history.changed("u", "xy", 0);
    history.changed("u", "xyz", 10, true);
    const recent = history.recent(5);
    assert.deepEqual(
      recent.map((edit) => [edit.after[0], edit.accepted]),
      [
        ["xy", false],
        ["xyz", true],
      ],
    );
    for (let i = 0; i < 50; i++) history.changed("u", `v${i}`, 100 + i * PAUSE * 2);
    assert.ok(history.recent(100).length <= EDIT_HISTORY_LIMITS.edits + 1);
  });

  it("time spent waiting for an answer is not a pause", () => {
    const history = new EditHistory();
    history.opened("u", "a.ts", "f(a)");
    history.changed("u", "f(ab)", 0);
    history.answered("u", PAUSE * 2); // a slow model answered long after the key
    history.changed("u", "f(abc)", PAUSE * 2 + 100);
    assert.deepEqual(
      history.recent(3).map((edit) => edit.after),
      [["f(abc)"]],
    );
  });

  it("typing back to where an edit began leaves no edit", () => {
    const history = new EditHistory();
    history.opened("u", "a.ts", "abc");
    history.changed("u", "abcd", 0);
    history.changed("u", "abc", 10);
    assert.deepEqual(history.recent(3), []);
  });

  it("maps the current window to the text before the latest edit", () => {
    const before = "a\nb\nc\nd\ne";
    // The edit replaced line 1 ("b") by two lines.
    const change = { startLine: 1, before: ["b"], after: ["B1", "B2"] };
    assert.equal(windowBefore(before, change, 0, 6), "a\nb\nc\nd\ne");
    assert.equal(windowBefore(before, change, 3, 6), "c\nd\ne", "below the edit, lines moved up by one");
    assert.equal(windowBefore(before, change, 2, 4), "b\nc", "an edge inside the edit takes the edit whole");
  });
});

describe("next edit: window", () => {
  it("is 21 lines around the cursor, its start aligned so it moves every 4 lines", () => {
    assert.deepEqual(editWindowRange(100, 0), { startLine: 0, endLine: 21 });
    assert.deepEqual(editWindowRange(100, 30), { startLine: 20, endLine: 41 });
    assert.deepEqual(editWindowRange(100, 31), { startLine: 20, endLine: 41 });
    assert.deepEqual(editWindowRange(100, 33), { startLine: 20, endLine: 41 });
    assert.deepEqual(editWindowRange(100, 34), { startLine: 24, endLine: 45 });
    assert.deepEqual(editWindowRange(5, 4), { startLine: 0, endLine: 5 });
    const text = Array.from({ length: 30 }, (_, i) => `${i}`).join("\r\n");
    const window = editWindow(text, 12);
    assert.equal(window.text.split("\n")[0], "0");
    assert.ok(!window.text.includes("\r"), "line breaks are the model's \\n");
  });
});

describe("next edit: Sweep prompt", () => {
  it("lays out related files, recent edits oldest first, the original, current and open updated window exactly", () => {
    const segments = sweepPrompt({
      path: "src/a.ts",
      relatedFiles: [{ path: "src/b.ts", text: "export const b = 1;" }],
      edits: [
        { path: "src/x.ts", before: ["old0"], after: ["new0"] },
        { path: "src/a.ts", before: ["function f(a) {"], after: ["function f(b) {"] },
        { path: "src/a.ts", before: ["  g(a);"], after: ["  g(b);"] },
        { path: "src/a.ts", before: ["  h(a);"], after: ["  h(b);"] },
      ],
      originalWindow: "function f(b) {\n  h(a);",
      currentWindow: "function f(b) {\n  h(b);",
    });
    assert.equal(
      segmentsAsText(segments),
      [
        "<|file_sep|>src/b.ts\nexport const b = 1;\n",
        "<|file_sep|>src/a.ts.diff\noriginal:\nfunction f(a) {\nupdated:\nfunction f(b) {\n",
        "<|file_sep|>src/a.ts.diff\noriginal:\n  g(a);\nupdated:\n  g(b);\n",
        "<|file_sep|>src/a.ts.diff\noriginal:\n  h(a);\nupdated:\n  h(b);\n",
        "<|file_sep|>original/src/a.ts\nfunction f(b) {\n  h(a);\n",
        "<|file_sep|>current/src/a.ts\nfunction f(b) {\n  h(b);\n",
        "<|file_sep|>updated/src/a.ts\n",
      ].join(""),
    );
    assert.ok(segments.filter((s) => "special" in s).every((s) => "special" in s && s.special === SWEEP_FILE_SEP));
  });

  it("keeps the window's own trailing blank lines, and a stop's spelling that is the user's code", () => {
    assert.equal(rewrittenWindow("a\nb\n", "a\nc"), "a\nb");
    assert.equal(rewrittenWindow("a\nb", "a\nc\n\n"), "a\nb\n\n");
    // The engine ends the rewrite at the model's stop token; this spelling is text the window holds.
    assert.equal(rewrittenWindow('a\nlet s = "<|file_sep|>";\n', 'a\nlet s = "<|file_sep|>";'), 'a\nlet s = "<|file_sep|>";');
  });
});

describe("next edit: minimal edits", () => {
  const check = (current: string, rewritten: string) => {
    const edits = windowEdits(current, rewritten);
    assert.equal(applyWindowEdits(current, edits), rewritten, "the edits rebuild the rewrite");
    return edits.map(({ start, end, text }) => [start.line, start.character, end.line, end.character, text]);
  };

  it("narrows a changed line to the characters that differ", () => {
    assert.deepEqual(check("function f(a) {\n  return a + 1;\n}", "function f(a) {\n  return b + 1;\n}"), [[1, 9, 1, 10, "b"]]);
  });

  it("finds separate edits on separate lines, and insertions, deletions and appends of whole lines", () => {
    assert.deepEqual(check("a(x)\nkeep\nb(x)", "a(y)\nkeep\nb(y)"), [
      [0, 2, 0, 3, "y"],
      [2, 2, 2, 3, "y"],
    ]);
    assert.deepEqual(check("a\nc", "a\nb\nc"), [[1, 0, 1, 0, "b\n"]]);
    assert.deepEqual(check("a\nb\nc", "a\nc"), [[1, 0, 2, 0, ""]]);
    assert.deepEqual(check("a\nb", "a"), [[0, 1, 1, 1, ""]]);
    assert.deepEqual(check("a", "a\nb"), [[0, 1, 0, 1, "\nb"]]);
    assert.deepEqual(check("x", "x"), []);
  });

  it("never splits a surrogate pair", () => {
    const edits = windowEdits("a😀b", "a😃b");
    assert.equal(edits[0].removed, "😀");
    assert.equal(edits[0].text, "😃");
  });
});

describe("next edit: early stop", () => {
  const window = ["function f(b) {", "  const x = g(a);", "  const y = h(x);", "  return y;", "}"].join("\n");

  it("takes the rest as copied once the output is back in step for two lines after a change", () => {
    assert.equal(rejoinedWindow("function f(b) {\n  const x = g(b);\n  const y = h(x);\n", window), undefined);
    assert.equal(
      rejoinedWindow("function f(b) {\n  const x = g(b);\n  const y = h(x);\n  return y;\n", window),
      window.replace("g(a)", "g(b)"),
    );
  });

  it("keeps going while the output only copies, or is back in step on lines that say nothing", () => {
    assert.equal(rejoinedWindow("function f(b) {\n  const x = g(a);\n  const y = h(x);\n  return y;\n", window), undefined);
    const braces = "a\nb\n}\n}\nc";
    assert.equal(rejoinedWindow("a\nB\n}\n}\n", braces), undefined);
  });
});

describe("next edit: filters", () => {
  const edits = (current: string, rewritten: string) => windowEdits(current, rewritten);

  it("drops a revert of the latest edit, whitespace-only changes, a truncated rewrite and no change", () => {
    const original = "f(a)";
    const current = "f(b)";
    assert.deepEqual(keptEdits({ current, original, rewritten: original, edits: edits(current, original), complete: true }), {
      dropped: "revertsLatestEdit",
    });
    assert.deepEqual(keptEdits({ current, original, rewritten: "f( b )", edits: edits(current, "f( b )"), complete: true }), {
      dropped: "whitespaceOnly",
    });
    assert.deepEqual(keptEdits({ current, original, rewritten: "f(c)", edits: edits(current, "f(c)"), complete: false }), {
      dropped: "truncated",
    });
    assert.deepEqual(keptEdits({ current, original, rewritten: current, edits: [], complete: true }), { dropped: "unchanged" });
    const kept = keptEdits({ current, original, rewritten: "g(b)", edits: edits(current, "g(b)"), complete: true });
    assert.ok("edits" in kept && kept.edits.length === 1);
  });
});

describe("next edit: one edit per changed line", () => {
  it("splits a run of changed lines into an edit per line when the line count holds", () => {
    const edits = windowEdits("f(a)\ng(a)\nh(a)", "f(b)\ng(b)\nh(b)");
    assert.deepEqual(
      edits.map((edit) => [edit.start.line, edit.start.character, edit.text]),
      [
        [0, 2, "b"],
        [1, 2, "b"],
        [2, 2, "b"],
      ],
    );
  });
});
