/**
 * A viewed file's text, read for next edits in files the user has closed (CompletionContext.viewedFiles). The file
 * was judged by its real path (not a secret, not git-ignored, inside a workspace folder); this reads exactly that file
 * or nothing: the last name is opened without following a link (a file swapped for a link since it was judged fails
 * to open), a folder on the way swapped for a link is caught by resolving the path again once the file is open, and
 * a FIFO or device never blocks the read (non-blocking open, then the open file must be a regular one). At most
 * `maxBytes` are read, whatever the size said when the file was opened; binary and non-UTF-8 files are left out.
 */
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";

export async function viewedFileText(path: string, real: string, maxBytes: number): Promise<string | undefined> {
  // Windows has neither flag: there the final check below is what holds.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  const handle = await open(real, flags);
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > maxBytes) return undefined;
    if ((await realpath(path)) !== real) return undefined;
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      // It grew past the cap since it was opened.
      if (length > maxBytes) return undefined;
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.includes(0)) return undefined;
    // A UTF-8 byte order mark is dropped, as editors do (the client hashes the text it shows).
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return undefined;
    }
  } finally {
    await handle.close();
  }
}
