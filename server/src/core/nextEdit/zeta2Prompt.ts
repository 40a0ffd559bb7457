/**
 * The prompt of Zed's Zeta 2 next-edit model (zed-industries/zeta-2.1, fine-tuned from ByteDance's Seed-Coder-8B
 * base), as Zed's `zeta_prompt` crate builds it for its `V0318SeedMultiRegions` format ("Zeta2.1"): Seed-Coder's
 * fill-in-the-middle tokens in suffix-first order, StarCoder-style `<filename>` headers, and the region the model may
 * rewrite cut into blocks by numbered markers.
 *
 *   <[fim-suffix]>{code after the region}\n
 *   <[fim-prefix]><filename>{path}\n{code}\n ... \n          (each related file, then one blank line)
 *   <filename>edit_history\n--- a/{path}\n+++ b/{path}\n@@ … @@\n-old\n+new\n ... \n   (oldest first, then a blank line)
 *   <filename>{path}\n{code before the region}<|marker_1|>{block}<|marker_2|>{block}…<|marker_N|>\n
 *   <[fim-middle]>
 *
 * The cursor is `<|user_cursor|>` inside its block. The model answers with the blocks it changes, between the
 * markers that bound them (`<|marker_2|>{new blocks}<|marker_4|>`), then Seed-Coder's end of sentence; the same marker
 * twice means no change. Markers sit right against the blocks (no line break of their own): a block is whole lines.
 *
 * Layout: the format fixes the order, and it puts the volatile parts early: the suffix (it moves with the window) is
 * the first thing in the prompt, and the edit history, which holds the edit being typed, comes before the current
 * file. A keystroke re-evaluates from the edit history on; only the related files stay cached between edits.
 * Pure; Seed-Coder's FIM tokens are special segments, never parsed out of the user's text. `<filename>`, the markers
 * and the cursor are segments that are special tokens where the vocabulary has them and their spelling otherwise.
 * Where the text outside the region spells one of them (a related file, a diff, the code around the region), the
 * spelling is broken (zeta2Text): llama.cpp reads a vocabulary's user-defined tokens even in text, so a file could
 * otherwise forge a header, a marker or the cursor. The region itself is never broken (the model copies it); one that
 * spells a marker or the cursor gets no prediction (zeta2RegionHasMarker).
 */
import type { Segment } from "../repoContext";
import { TOKEN_BREAK } from "../textPrompt";

export const ZETA2_FIM = { suffix: "<[fim-suffix]>", prefix: "<[fim-prefix]>", middle: "<[fim-middle]>" } as const;
export const ZETA2_FILE_MARKER = "<filename>";
export const ZETA2_CURSOR = "<|user_cursor|>";
/** Seed-Coder's end of sentence (the `▁` is U+2581): it ends the model's answer. */
export const ZETA2_END = "<[end\u2581of\u2581sentence]>";
export const ZETA2_STOPS = [ZETA2_END] as const;
/** Zed sends the six latest edits. */
export const ZETA2_MAX_EDITS = 6;
/** Zed's block sizes for this format: a block ends at a blank line once it has 6 lines, and by 16 lines at most. */
const MIN_BLOCK_LINES = 6;
const MAX_BLOCK_LINES = 16;
/** How far past a hard cap a block boundary may move to land on a line that starts something. */
const MAX_NUDGE_LINES = 5;

export function zeta2Marker(number: number): string {
  return `<|marker_${number}|>`;
}

export interface Zeta2Edit {
  path: string;
  /** First changed line, 0-based (the same before and after the edit). */
  startLine: number;
  before: readonly string[];
  after: readonly string[];
  /** Unchanged lines just above and below the change, which Zed's diffs carry (3 each side) where known. */
  context?: { above: readonly string[]; below: readonly string[] };
  /** The edit was a suggestion the user accepted. */
  accepted?: boolean;
}

export interface Zeta2PromptInput {
  /** The current file's path as the model sees it (workspace-relative). */
  path: string;
  relatedFiles: readonly { path: string; text: string }[];
  /** Recent edits, oldest first (the last ZETA2_MAX_EDITS are used). */
  edits: readonly Zeta2Edit[];
  /** The lines before the region, each with its line break. */
  before: string;
  /** The region the model may rewrite: whole lines, each with its line break (the file's last may lack one). */
  region: string;
  /** The cursor's offset in `region`. */
  cursor: number;
  /** The lines after the region. */
  after: string;
}

const withLineBreak = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
/** A token the model was trained on as a special token where its vocabulary has one. */
const marker = (spelling: string): Segment => ({ special: spelling, orText: true });

/** Lines of unchanged context Zed's edit diffs have on each side of a change. */
export const ZETA2_DIFF_CONTEXT = 3;

/**
 * One edit as the unified diff Zed writes for it: a hunk header whose starts are 1-based even for an empty side,
 * the context lines, the removed lines, the added lines.
 */
export function zeta2EditDiff(edit: Zeta2Edit): string {
  const above = edit.context?.above ?? [];
  const below = edit.context?.below ?? [];
  const start = edit.startLine - above.length + 1;
  const unchanged = above.length + below.length;
  const header = `@@ -${start},${edit.before.length + unchanged} +${start},${edit.after.length + unchanged} @@\n`;
  const lines = [
    ...above.map((line) => ` ${line}\n`),
    ...edit.before.map((line) => `-${line}\n`),
    ...edit.after.map((line) => `+${line}\n`),
    ...below.map((line) => ` ${line}\n`),
  ];
  const accepted = edit.accepted ? "// User accepted prediction:\n" : "";
  return `${accepted}--- a/${edit.path}\n+++ b/${edit.path}\n${header}${lines.join("")}`;
}

/** Text outside the region with every spelling of a header, a marker or the cursor broken after its `<`. */
export function zeta2Text(text: string): string {
  return text.replace(BREAKABLE, `<${TOKEN_BREAK}`);
}

const BREAKABLE = /<(?=\|marker_|\|user_cursor\|>|filename>)/g;
const BROKEN = new RegExp(`<${TOKEN_BREAK}(?=\\|marker_|\\|user_cursor\\|>|filename>)`, "g");

/** The model's text with the breaks zeta2Text made taken out: a spelling it copied from around the region, as it was. */
function zeta2Restored(text: string): string {
  return text.replace(BROKEN, "<");
}

export function zeta2Prompt(input: Zeta2PromptInput): Segment[] {
  const segments: Segment[] = [{ special: ZETA2_FIM.suffix }, { text: zeta2Text(withLineBreak(input.after)) }];
  segments.push({ special: ZETA2_FIM.prefix });
  for (const file of input.relatedFiles) {
    segments.push(marker(ZETA2_FILE_MARKER), { text: zeta2Text(`${file.path}\n${withLineBreak(file.text)}`) });
  }
  if (input.relatedFiles.length > 0) segments.push({ text: "\n" });
  const edits = input.edits.slice(-ZETA2_MAX_EDITS);
  if (edits.length > 0) {
    segments.push(marker(ZETA2_FILE_MARKER), { text: zeta2Text(`edit_history\n${edits.map(zeta2EditDiff).join("")}\n`) });
  }
  segments.push(marker(ZETA2_FILE_MARKER), { text: zeta2Text(`${input.path}\n${input.before}`) });
  const offsets = zeta2BlockOffsets(input.region);
  let cursorPlaced = false;
  offsets.forEach((offset, index) => {
    segments.push(marker(zeta2Marker(index + 1)));
    const next = offsets[index + 1];
    if (next === undefined) return;
    const block = input.region.slice(offset, next);
    if (!cursorPlaced && input.cursor >= offset && input.cursor <= next) {
      cursorPlaced = true;
      const at = input.cursor - offset;
      segments.push({ text: block.slice(0, at) }, marker(ZETA2_CURSOR), { text: block.slice(at) });
    } else segments.push({ text: block });
  });
  // The last marker ends the section's text: a line break follows it.
  segments.push({ text: "\n" }, { special: ZETA2_FIM.middle });
  return segments.filter((segment) => !("text" in segment) || segment.text !== "");
}

interface LineInfo {
  start: number;
  blank: boolean;
  /** A line a block may start with: not blank, and not the tail of a construct (`}`, `return`, …). */
  goodStart: boolean;
}

function lineInfo(text: string): LineInfo[] {
  const lines: LineInfo[] = [];
  let start = 0;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    const tail = /^[}\])]/.test(trimmed) || ["break", "continue", "return", "throw", "end"].includes(trimmed.replace(/;+$/, ""));
    lines.push({ start, blank: trimmed === "", goodStart: trimmed !== "" && !tail });
    start += line.length + 1;
  }
  if (text.endsWith("\n") && lines.length > 1) lines.pop(); // no line after the final line break
  return lines;
}

/**
 * Where the markers go in the region: offsets that start with 0 and end with its length, the ones between on line
 * starts, preferring a line after a blank one once a block has MIN_BLOCK_LINES, and cutting at MAX_BLOCK_LINES.
 * The model numbers its answer by these, so they must be Zed's exactly.
 */
export function zeta2BlockOffsets(region: string): number[] {
  if (region === "") return [0, 0];
  const lines = lineInfo(region);
  const goodFrom = (from: number) => {
    for (let i = from; i < Math.min(lines.length, from + MAX_NUDGE_LINES); i++) if (lines[i].goodStart) return i;
    return undefined;
  };
  const offsets = [0];
  let lastBoundary = 0;
  let i = 0;
  while (i < lines.length) {
    const gap = i - lastBoundary;
    const last = offsets[offsets.length - 1];
    if (gap >= MIN_BLOCK_LINES && !lines[i].blank && i > 0 && lines[i - 1].blank) {
      const target = lines[i].goodStart ? i : (goodFrom(i) ?? i);
      if (lines.length - target >= MIN_BLOCK_LINES && lines[target].start > last) {
        offsets.push(lines[target].start);
        lastBoundary = target;
        i = target + 1;
        continue;
      }
    }
    if (gap >= MAX_BLOCK_LINES) {
      const target = goodFrom(i) ?? i;
      if (lines[target].start > last) {
        offsets.push(lines[target].start);
        lastBoundary = target;
        i = target + 1;
        continue;
      }
    }
    i++;
  }
  if (offsets[offsets.length - 1] !== region.length) offsets.push(region.length);
  return offsets;
}

/**
 * The region rewritten from the model's answer, or undefined when the answer can't be placed (fewer than two
 * markers, a number with no block). The text between the first and the last marker replaces the blocks they bound;
 * markers in between are dropped, so an answer that skips one still lands. The same marker first and last means no
 * change. A cursor marker the model writes is taken out.
 *
 * The answer comes from the model's tokens, so every marker spelling in it is the model's: the prompt's own markers
 * are the only ones it was shown as markers (a file that spells one is text in the prompt and sent as text, broken on
 * a text prompt), and Zed's prediction skips a region that spells one (see zeta2RegionHasMarker).
 */
export function zeta2Rewrite(answer: string, region: string): string | undefined {
  const text = answer.endsWith(ZETA2_END) ? answer.slice(0, -ZETA2_END.length) : answer;
  const tags = [...text.matchAll(/<\|marker_(\d+)\|>/g)].map((match) => ({
    number: Number(match[1]),
    start: match.index,
    end: match.index + match[0].length,
  }));
  if (tags.length < 2) return undefined;
  const first = tags[0];
  const last = tags[tags.length - 1];
  if (first.number === last.number) return region;
  const offsets = zeta2BlockOffsets(region);
  const from = offsets[first.number - 1];
  const to = offsets[last.number - 1];
  if (from === undefined || to === undefined || from > to) return undefined;
  let blocks = "";
  for (let k = 0; k + 1 < tags.length; k++) blocks += text.slice(tags[k].end, tags[k + 1].start);
  return region.slice(0, from) + zeta2Restored(blocks.split(ZETA2_CURSOR).join("")) + region.slice(to);
}

/**
 * Whether the region spells a marker, the cursor or a file header: the model's answer could not be told from it (or
 * its prompt could be forged by it), so, as Zed does for markers, no prediction is made there.
 */
export function zeta2RegionHasMarker(region: string): boolean {
  return region.includes("<|marker_") || region.includes(ZETA2_CURSOR) || region.includes(ZETA2_FILE_MARKER);
}
