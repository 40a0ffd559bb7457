/**
 * Cursor-marker fixtures: `║` marks the cursor in a document, so a test reads like the editor it describes.
 */
import type { CompletionPlace } from "../../server/src/core/postprocess";

export const CURSOR = "║";

export function placeAt(documentWithCursor: string): CompletionPlace {
  const at = documentWithCursor.indexOf(CURSOR);
  if (at === -1 || documentWithCursor.indexOf(CURSOR, at + 1) !== -1) throw new Error("a fixture needs exactly one ║");
  const before = documentWithCursor.slice(0, at);
  const after = documentWithCursor.slice(at + CURSOR.length);
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = after.indexOf("\n");
  return {
    linePrefix: before.slice(lineStart),
    lineSuffix: lineEnd === -1 ? after : after.slice(0, lineEnd),
    nextLines: lineEnd === -1 ? [] : after.slice(lineEnd + 1).split("\n"),
  };
}

/** The position of `║` as an LSP position, and the document without it. */
export function documentAt(documentWithCursor: string): { text: string; line: number; character: number } {
  const at = documentWithCursor.indexOf(CURSOR);
  const before = documentWithCursor.slice(0, at);
  const lines = before.split("\n");
  return {
    text: before + documentWithCursor.slice(at + CURSOR.length),
    line: lines.length - 1,
    character: lines[lines.length - 1].length,
  };
}
