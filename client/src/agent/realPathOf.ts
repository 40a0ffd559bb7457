/** The path a write would really reach, for judging an edit by the file it changes rather than by the name asked for. */
import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The real path of a file, or of a file still to be created: its nearest existing folder's, with the rest joined on. */
export async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(await realpath(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}
