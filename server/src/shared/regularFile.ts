/**
 * Reads only regular files. A workspace may hold a named pipe (FIFO), a socket or a device under any name: a read of
 * a FIFO waits for a writer forever, and each waiting read holds one of libuv's four file-system threads, so a few
 * such files would hang every later file operation of the process (secrets checks included). The type is checked
 * before opening, and again on the opened handle (a file swapped for a FIFO in between), which is opened
 * non-blocking so that even then the open returns at once.
 */
import { constants } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";

/** Read-only, and non-blocking where the system has it (not Windows, whose named pipes live outside the file system). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export type RegularFileRead =
  | { bytes: Buffer }
  | { error: "missing" | "directory" | "not-regular" }
  | { error: "too-large"; size: number };

/** The bytes of the regular file at `path` (links followed), if it has at most `maxBytes`; else why not. */
export async function readRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<RegularFileRead> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return { error: "missing" };
  if (info.isDirectory()) return { error: "directory" };
  if (!info.isFile()) return { error: "not-regular" };
  if (info.size > maxBytes) return { error: "too-large", size: info.size };
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch {
    return { error: "missing" };
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) return { error: "not-regular" };
    if (opened.size > maxBytes) return { error: "too-large", size: opened.size };
    return { bytes: await readAtMost(handle, maxBytes) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The file's bytes up to `maxBytes` (it may have grown since it was measured). */
async function readAtMost(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < maxBytes) {
    const buffer = Buffer.alloc(Math.min(64 * 1024, maxBytes - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks);
}

/** The regular file at `path` as UTF-8 text; rejects for anything else (missing, a folder, a FIFO, a device). */
export async function readRegularText(path: string): Promise<string> {
  const read = await readRegularFile(path);
  if ("bytes" in read) return read.bytes.toString("utf8");
  throw new Error(`${path} is not a regular file that can be read (${read.error}).`);
}
