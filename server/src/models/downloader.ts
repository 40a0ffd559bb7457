/**
 * Downloads a model file safely: into `<name>.partial` beside the target, resuming with an HTTP Range request after a
 * cancel, crash or dropped connection; refusing early what is not a GGUF file (an HTML login page, say) and a disk
 * without room; verifying the SHA-256; and renaming into place only when everything checks out.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { HubError } from "./hubClient";

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number;
  /** Bytes per second over the download so far (this attempt). */
  bytesPerSecond: number;
}

export interface DownloadOptions {
  url: string;
  destination: string;
  expectedSize: number;
  expectedSha256?: string;
  token?: string;
  signal: AbortSignal;
  onProgress?(progress: DownloadProgress): void;
  /** Free bytes on the destination's disk; the default asks the file system. */
  freeSpace?(directory: string): Promise<number>;
}

/** Room left on the disk after the download, so the machine is not left completely full. */
const SPARE_BYTES = 256 * 1024 * 1024;

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

async function systemFreeSpace(directory: string): Promise<number> {
  const info = await statfs(directory);
  return info.bavail * info.bsize;
}

export async function downloadModel(options: DownloadOptions): Promise<void> {
  const partial = `${options.destination}.partial`;
  await mkdir(dirname(options.destination), { recursive: true });
  let offset = await fileSize(partial);
  if (offset > options.expectedSize) {
    await rm(partial, { force: true });
    offset = 0;
  }
  const free = await (options.freeSpace ?? systemFreeSpace)(dirname(options.destination));
  const needed = options.expectedSize - offset;
  if (free - needed < SPARE_BYTES) {
    throw new HubError(
      `Not enough disk space for the model: it needs ${(needed / 2 ** 30).toFixed(2)} GiB more and ${(free / 2 ** 30).toFixed(2)} GiB are free.`,
      "Free some space, or set hearth.models.directory to a disk with room.",
    );
  }

  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (offset > 0 && offset < options.expectedSize) headers.range = `bytes=${offset}-`;
  if (offset < options.expectedSize) {
    let response: Response;
    try {
      response = await fetch(options.url, { headers, signal: options.signal, redirect: "follow" });
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw new HubError(
        `The download could not start (${error instanceof Error ? error.message : String(error)}).`,
        "Check the network and try again; it resumes where it stopped.",
      );
    }
    if (response.status === 401 || response.status === 403)
      throw new HubError(
        `The hub refused the download (HTTP ${response.status}).`,
        "Accept the model's licence on its page and set a Hugging Face token.",
      );
    if (!response.ok || !response.body)
      throw new HubError(`The hub answered HTTP ${response.status}.`, "Try again later; the download resumes where it stopped.");
    if (offset > 0 && response.status !== 206) offset = 0; // the server ignored the range: start over
    const contentType = response.headers.get("content-type") ?? "";
    if (contentType.includes("text/html")) {
      await response.body.cancel();
      throw new HubError(
        "The hub sent a web page instead of the model (perhaps a login or error page).",
        "Check the model name, or set a Hugging Face token for gated models.",
      );
    }
    const out = createWriteStream(partial, { flags: offset > 0 ? "a" : "w" });
    const started = performance.now();
    let received = offset;
    let thisAttempt = 0;
    let checkedMagic = offset >= 4;
    let head = Buffer.alloc(0);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const buffer = Buffer.from(chunk);
        if (!checkedMagic) {
          head = Buffer.concat([head, buffer]);
          if (head.length >= 4) {
            checkedMagic = true;
            if (head.subarray(0, 4).toString("latin1") !== "GGUF") {
              throw new HubError(
                "The downloaded file is not a GGUF model.",
                "Check that the catalog entry or hf: URI names a .gguf file.",
              );
            }
          }
        }
        if (!out.write(buffer)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
        received += buffer.length;
        thisAttempt += buffer.length;
        options.onProgress?.({
          receivedBytes: received,
          totalBytes: options.expectedSize,
          bytesPerSecond: thisAttempt / Math.max(0.001, (performance.now() - started) / 1000),
        });
      }
    } catch (error) {
      await new Promise<void>((resolve) => out.end(() => resolve()));
      // A partial download is kept to resume from, unless it is not a model at all.
      if (error instanceof HubError) await rm(partial, { force: true });
      if (options.signal.aborted || error instanceof HubError) throw error;
      throw new HubError(
        `The download broke off at ${(received / 2 ** 20).toFixed(1)} MiB (${error instanceof Error ? error.message : String(error)}).`,
        "Try again; it resumes where it stopped.",
      );
    }
    await new Promise((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve(undefined))));
  }

  const size = await fileSize(partial);
  if (size !== options.expectedSize) {
    throw new HubError(
      `The download is incomplete (${size} of ${options.expectedSize} bytes).`,
      "Try again; it resumes where it stopped.",
    );
  }
  if (options.expectedSha256) {
    const hash = createHash("sha256");
    await hashFile(partial, hash);
    const actual = hash.digest("hex");
    if (actual !== options.expectedSha256.toLowerCase()) {
      await rm(partial, { force: true });
      throw new HubError(
        `The downloaded file's checksum does not match the hub's (got ${actual.slice(0, 12)}…).`,
        "Download it again; if it fails again, the mirror may be serving a different file.",
      );
    }
  }
  await rename(partial, options.destination);
}
