import { strict as assert } from "node:assert";
import { AcceptedSuggestions, UNDO_WINDOW_MS } from "../../client/src/quality/acceptedSuggestions";
import {
  counted,
  emptyRecord,
  MAX_ROWS,
  type RecordKey,
  readRecord,
  recordAsMarkdown,
} from "../../client/src/quality/suggestionRecord";

const NOW = new Date("2026-12-07T10:00:00.000Z");
const SWEEP: RecordKey = { kind: "nextEdit", model: "sweep-next-edit-1.5b.gguf", format: "sweep" };
const ZETA: RecordKey = { kind: "nextEdit", model: "zeta-2.gguf", format: "zeta2" };
const GHOST: RecordKey = { kind: "ghostText", model: "qwen2.5-coder-1.5b.gguf", format: "fim" };

describe("the local suggestion record", () => {
  it("counts each outcome per model and format, leaving the record it was given alone", () => {
    const empty = emptyRecord(NOW);
    let record = counted(empty, SWEEP, "shown", 3);
    record = counted(record, SWEEP, "accepted");
    record = counted(record, SWEEP, "dismissed", 2);
    record = counted(record, ZETA, "shown");
    record = counted(record, SWEEP, "undone");
    assert.deepEqual(empty.rows, []);
    assert.deepEqual(record.rows, [
      { ...ZETA, shown: 1, accepted: 0, dismissed: 0, undone: 0 },
      { ...SWEEP, shown: 3, accepted: 1, dismissed: 2, undone: 1 },
    ]);
    assert.equal(counted(record, SWEEP, "shown", 0), record, "nothing to count");
  });

  it("keeps at most MAX_ROWS rows, dropping the one counted longest ago", () => {
    let record = emptyRecord(NOW);
    record = counted(record, SWEEP, "shown");
    for (let index = 0; index < MAX_ROWS; index++) record = counted(record, { ...GHOST, model: `m${index}` }, "shown");
    assert.equal(record.rows.length, MAX_ROWS);
    assert.ok(!record.rows.some((row) => row.model === SWEEP.model));
  });

  it("reads back what it stored, and starts afresh from anything else without throwing", () => {
    const stored = counted(counted(emptyRecord(NOW), SWEEP, "shown", 2), GHOST, "accepted");
    assert.deepEqual(readRecord(JSON.parse(JSON.stringify(stored)), new Date()), stored);
    for (const junk of [undefined, null, 7, "text", { version: 2, since: "x", rows: [] }, { version: 1, rows: {} }])
      assert.deepEqual(readRecord(junk, NOW), emptyRecord(NOW), JSON.stringify(junk));
    // A malformed row goes; the others stay.
    const edited = { ...stored, rows: [...stored.rows, { ...SWEEP, kind: "other" }, { ...GHOST, shown: -1 }, { ...ZETA }] };
    assert.deepEqual(readRecord(edited, NOW).rows, stored.rows);
  });

  it("shows one table, next edits first, with the share accepted and no dismissals for ghost text", () => {
    let record = counted(emptyRecord(NOW), GHOST, "shown", 4);
    record = counted(record, GHOST, "accepted");
    record = counted(record, SWEEP, "shown", 6);
    record = counted(record, SWEEP, "accepted");
    record = counted(record, SWEEP, "dismissed", 3);
    record = counted(record, SWEEP, "undone");
    record = counted(record, { ...ZETA, model: "a|b\nc" }, "dismissed");
    const rows = recordAsMarkdown(record)
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| Kind"));
    assert.deepEqual(rows, [
      "| Next edits | a\\|b c | zeta2 | 0 | 0 | 1 | 0 | — |",
      "| Next edits | sweep-next-edit-1.5b.gguf | sweep | 6 | 1 | 3 | 1 | 17% |",
      "| Ghost text | qwen2.5-coder-1.5b.gguf | fim | 4 | 1 | — | 0 | 25% |",
    ]);
    assert.match(recordAsMarkdown(record), /since 2026-12-07 10:00:00 UTC\. Never sent anywhere\./);
    assert.match(recordAsMarkdown(emptyRecord(NOW)), /Nothing counted yet\./);
  });
});

describe("accepted suggestions watched for an Undo", () => {
  const accept = (watch: AcceptedSuggestions, uri: string, offset: number, length: number, at: number, key = SWEEP) =>
    watch.accepted({ key, uri, inserted: [{ offset, length }], at });

  it("takes an Undo that replaces exactly the inserted text, within a minute, once", () => {
    const watch = new AcceptedSuggestions();
    accept(watch, "file:///a.ts", 40, 12, 0);
    assert.equal(watch.undo("file:///b.ts", [{ offset: 40, length: 12 }], 10), undefined, "another file");
    // The user typed `;` after it and undid that: the same line, not the suggestion.
    assert.equal(watch.undo("file:///a.ts", [{ offset: 52, length: 1 }], 10), undefined, "a later edit undone");
    assert.equal(watch.undo("file:///a.ts", [{ offset: 40, length: 11 }], 10), undefined, "another range");
    assert.equal(watch.undo("file:///a.ts", [{ offset: 40, length: 12 }], 10)?.key, SWEEP);
    assert.equal(watch.undo("file:///a.ts", [{ offset: 40, length: 12 }], 20), undefined, "counted once");
  });

  it("forgets a suggestion after a minute, when its document closes, or when the record is cleared", () => {
    const watch = new AcceptedSuggestions();
    accept(watch, "file:///a.ts", 1, 1, 0);
    assert.equal(watch.undo("file:///a.ts", [{ offset: 1, length: 1 }], UNDO_WINDOW_MS + 1), undefined);
    accept(watch, "file:///a.ts", 1, 1, 0);
    watch.closed("file:///a.ts");
    assert.equal(watch.size, 0);
    accept(watch, "file:///a.ts", 1, 1, 0);
    watch.clear();
    assert.equal(watch.size, 0);
  });

  it("takes the newest of two suggestions inserted at the same place first, and ignores one that inserted nothing", () => {
    const watch = new AcceptedSuggestions();
    accept(watch, "u", 2, 5, 0, SWEEP);
    accept(watch, "u", 2, 5, 5, GHOST);
    watch.accepted({ key: ZETA, uri: "u", inserted: [], at: 6 });
    assert.equal(watch.size, 2);
    assert.equal(watch.undo("u", [{ offset: 2, length: 5 }], 6)?.key, GHOST);
    assert.equal(watch.undo("u", [{ offset: 2, length: 5 }], 7)?.key, SWEEP);
  });
});
