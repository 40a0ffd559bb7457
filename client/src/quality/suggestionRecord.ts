/**
 * The local suggestion record: what the user did with Hearth's suggestions, counted per kind (ghost text, next
 * edits), model and prompt format, so they can compare next-edit models and tune eagerness. Kept in VS Code's own
 * storage on this machine and never sent anywhere. Pure: the counting, the reading back and the table.
 *
 * What is counted:
 * - next edits: each edit shown, each accepted with Tab, each dismissed with Esc (edits the user types over or walks
 *   away from are neither), each accepted edit undone within a minute;
 * - ghost text: each suggestion shown, each accepted with Tab, each accepted one undone within a minute. VS Code
 *   tells an extension when ghost text is accepted but not when it is dismissed, so that column stays empty.
 */

export type SuggestionKind = "nextEdit" | "ghostText";
export type SuggestionOutcome = "shown" | "accepted" | "dismissed" | "undone";

export interface RecordKey {
  kind: SuggestionKind;
  /** The model's file name, or the name a remote server gives it. */
  model: string;
  /** The prompt format: a next-edit format (sweep, zeta2) or "fim" for ghost text. */
  format: string;
}

export interface RecordRow extends RecordKey {
  shown: number;
  accepted: number;
  dismissed: number;
  undone: number;
}

export interface SuggestionRecord {
  version: 1;
  /** When counting began (ISO 8601): the first suggestion after install or after the record was cleared. */
  since: string;
  rows: RecordRow[];
}

const OUTCOMES: readonly SuggestionOutcome[] = ["shown", "accepted", "dismissed", "undone"];
const KINDS: readonly SuggestionKind[] = ["nextEdit", "ghostText"];
/** More rows than anyone compares; the oldest-counted go first so a record never grows without bound. */
export const MAX_ROWS = 100;

export function emptyRecord(now: Date): SuggestionRecord {
  return { version: 1, since: now.toISOString(), rows: [] };
}

/** The record with `outcome` counted `times` under `key`; the record given is left as it was. */
export function counted(record: SuggestionRecord, key: RecordKey, outcome: SuggestionOutcome, times = 1): SuggestionRecord {
  if (times <= 0) return record;
  const same = (row: RecordKey) => row.kind === key.kind && row.model === key.model && row.format === key.format;
  const existing = record.rows.find(same);
  const row: RecordRow = existing
    ? { ...existing }
    : { kind: key.kind, model: key.model, format: key.format, shown: 0, accepted: 0, dismissed: 0, undone: 0 };
  row[outcome] += times;
  // The row counted last goes to the end: trimming from the front drops what has not been used longest.
  const rows = [...record.rows.filter((other) => !same(other)), row].slice(-MAX_ROWS);
  return { ...record, rows };
}

/**
 * A record read back from storage; anything unreadable (another version, a hand-edited value) starts a new one
 * rather than failing, and a malformed row is dropped without the rest.
 */
export function readRecord(value: unknown, now: Date): SuggestionRecord {
  if (!isObject(value) || value.version !== 1 || typeof value.since !== "string" || !Array.isArray(value.rows))
    return emptyRecord(now);
  const rows = value.rows.filter(isRow).slice(-MAX_ROWS);
  return { version: 1, since: value.since, rows };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isRow(value: unknown): value is RecordRow {
  if (!isObject(value)) return false;
  if (!KINDS.includes(value.kind as SuggestionKind)) return false;
  if (typeof value.model !== "string" || typeof value.format !== "string") return false;
  return OUTCOMES.every((outcome) => Number.isSafeInteger(value[outcome]) && (value[outcome] as number) >= 0);
}

const KIND_NAMES: Record<SuggestionKind, string> = { nextEdit: "Next edits", ghostText: "Ghost text" };

/** The record as a Markdown document: one table, next edits first, with the share of shown suggestions accepted. */
export function recordAsMarkdown(record: SuggestionRecord): string {
  const lines = [
    "# Hearth suggestion record",
    "",
    `Counted on this machine since ${record.since.replace("T", " ").replace(/\.\d+Z$/, " UTC")}. Never sent anywhere.`,
    "Clear it with **Hearth: Clear Suggestion Record**.",
    "",
  ];
  if (record.rows.length === 0) return [...lines, "Nothing counted yet.", ""].join("\n");
  const rows = [...record.rows].sort(
    (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.model.localeCompare(b.model) || a.format.localeCompare(b.format),
  );
  lines.push(
    "| Kind | Model | Format | Shown | Accepted | Dismissed | Undone within a minute | Accepted of shown |",
    "|---|---|---|---:|---:|---:|---:|---:|",
  );
  for (const row of rows) {
    const dismissed = row.kind === "ghostText" ? "—" : String(row.dismissed);
    const share = row.shown > 0 ? `${Math.round((row.accepted / row.shown) * 100)}%` : "—";
    const cells = [
      KIND_NAMES[row.kind],
      cell(row.model),
      cell(row.format),
      row.shown,
      row.accepted,
      dismissed,
      row.undone,
      share,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  lines.push(
    "",
    "Next edits count each edit; ghost text each suggestion. VS Code does not tell extensions when ghost text is dismissed.",
    "",
  );
  return lines.join("\n");
}

/** A model name as a table cell: a pipe or a line break in a name can't break the table. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
}
