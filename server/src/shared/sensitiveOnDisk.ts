/**
 * One rule for secrets, on both sides and in every feature: a file is a secrets file when the path it was asked by
 * OR its real path is one. A symlink `notes.txt -> .env` opened in the editor is `.env` to the model. The real path
 * follows every link (a dangling one is judged by its target, since it may be created later); nothing is read.
 */
import { readlink, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { actionableError, HearthErrorCodes } from "./errors";
import { contextItemPath, isSensitiveFile, uriPath } from "./sensitiveFiles";

/** As many links as Linux follows before it gives up (ELOOP). */
const MAX_LINKS = 40;

/**
 * Where `path` leads: its real path when it exists; else, for a dangling link or a missing file, the path its links
 * lead to, in its parent's real folder. Never throws.
 */
export async function realPathOf(path: string): Promise<string> {
  return follow(resolve(path), { left: MAX_LINKS });
}

async function follow(path: string, links: { left: number }): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  const parent = dirname(path);
  if (parent === path) return path;
  const here = join(await follow(parent, links), basename(path));
  const target = await readlink(here).catch(() => undefined);
  // Not a link (a file not created yet): its own name, in its parent's real folder. A loop ends where it got to.
  if (target === undefined || --links.left < 0) return here;
  // Not normalised here: `..` after a linked folder is the target's parent, as the system resolves it.
  return follow(isAbsolute(target) ? target : `${dirname(here)}${sep}${target}`, links);
}

/**
 * Whether the file at `path` (a file system path) is a secrets file by its name or by its real path. The workspace
 * folders are taken by their real paths too, so a setting's pattern stays anchored where a folder is itself a link.
 */
export async function isSensitiveOnDisk(
  path: string,
  extraPatterns: readonly string[] = [],
  folders: readonly string[] = [],
): Promise<boolean> {
  if (isSensitiveFile(path, extraPatterns, folders)) return true;
  const real = await realPathOf(path);
  if (real === resolve(path)) return false;
  const realFolders = extraPatterns.length === 0 ? [] : await Promise.all(folders.map(realPathOf));
  return isSensitiveFile(real, extraPatterns, [...folders, ...realFolders]);
}

/**
 * Whether the document at `uri` is a secrets file: a `file:` URI by its name and its real path, any other (an
 * untitled document, a virtual file system) by its name only.
 */
export async function isSensitiveDocument(
  uri: string,
  extraPatterns: readonly string[] = [],
  folders: readonly string[] = [],
): Promise<boolean> {
  if (isSensitiveFile(uriPath(uri), extraPatterns, folders)) return true;
  const path = filePath(uri);
  return path !== undefined && isSensitiveOnDisk(path, extraPatterns, folders);
}

/** The file system path of a `file:` URI, or undefined (another scheme, or a URI Node can't map here). */
function filePath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** A context item's label as a path: without a `:10-24` or ` (around lines 10-24)` line range. */
function labelPath(label: string): string {
  return label.replace(/(:\d+(-\d+)?| \(around lines \d+-\d+\))$/, "");
}

/**
 * Whether a chat context item names a secrets file: by its URI's path and its label, and on disk by where its
 * `file:` URI leads, or, for an item with only a label (Explain's), where that label leads in each workspace folder.
 */
async function isSensitiveItem(
  item: { label: string; uri?: string },
  extraPatterns: readonly string[],
  folders: readonly string[],
): Promise<boolean> {
  const label = labelPath(item.label);
  if ([contextItemPath(item), label].some((path) => isSensitiveFile(path, extraPatterns, folders))) return true;
  if (item.uri !== undefined) return isSensitiveDocument(item.uri, extraPatterns, folders);
  if (label === "" || label.includes("\0")) return false;
  const onDisk = isAbsolute(label) ? [label] : folders.map((folder) => join(folder, label));
  for (const path of onDisk) if (await isSensitiveOnDisk(path, extraPatterns, folders)) return true;
  return false;
}

/**
 * Any client may send any file: a chat or agent turn whose context carries a secrets file (by its name, or by where
 * it really leads) is refused here, whatever the client checked.
 */
export async function refuseSecretContext(
  items: readonly { label: string; uri?: string }[],
  extraPatterns: readonly string[],
  folders: readonly string[] = [],
): Promise<void> {
  for (const item of items) {
    if (await isSensitiveItem(item, extraPatterns, folders))
      throw actionableError(
        HearthErrorCodes.secretsFile,
        `${item.label} is a secrets file, and Hearth never sends one to a model.`,
        {
          fix: "Remove it from the chat's context.",
        },
      );
  }
}
