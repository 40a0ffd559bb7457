/**
 * One rule for secrets, on both sides and in every feature: a file is a secrets file when the path it was asked by
 * OR its real path is one. A symlink `notes.txt -> .env` opened in the editor is `.env` to the model. The real path
 * follows every link (realPath.ts; a dangling one is judged by its target, since it may be created later); nothing
 * is read. A path whose links never end can't be judged by where it leads, so it counts as a secrets file.
 */
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { actionableError, HearthErrorCodes } from "./errors";
import { realTargetOf } from "./realPath";
import { contextItemPath, isSensitiveFile, uriPath } from "./sensitiveFiles";

/**
 * Whether the file at `path` (a file system path) is a secrets file by its name or by its real path, or one whose
 * links never end. The workspace folders are taken by their real paths too, so a setting's pattern stays anchored
 * where a folder is itself a link.
 */
export async function isSensitiveOnDisk(
  path: string,
  extraPatterns: readonly string[] = [],
  folders: readonly string[] = [],
): Promise<boolean> {
  if (isSensitiveFile(path, extraPatterns, folders)) return true;
  const real = await realTargetOf(path);
  // A loop (or more links than a system follows): where it leads can't be known, so it is refused (fail closed).
  if (real === undefined) return true;
  if (real === resolve(path)) return false;
  const realFolders = extraPatterns.length === 0 ? [] : await Promise.all(folders.map(realTargetOf));
  const known = realFolders.filter((folder): folder is string => folder !== undefined);
  return isSensitiveFile(real, extraPatterns, [...folders, ...known]);
}

/**
 * Whether the document at `uri` is a secrets file: a `file:` URI by its name and its real path, a notebook cell by its
 * notebook's (a `vscode-notebook-cell:` URI carries the notebook file's path), any other (an untitled document, a
 * virtual file system) by its name only.
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

/** The file system path of a `file:` URI or a notebook cell's, or undefined (another scheme, or one Node can't map). */
function filePath(uri: string): string | undefined {
  if (uri.startsWith("vscode-notebook-cell:")) return cellFilePath(uri);
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * The file system path of a notebook cell's notebook, when that notebook is a file. VS Code spells a cell as its
 * notebook's URI with the scheme `vscode-notebook-cell` and the notebook's own scheme, base64url, at the end of the
 * fragment (`#W0sZmlsZQ` for `file`), keeping the authority (a network share) and the path. A notebook of another
 * scheme (untitled, remote, a git revision) has no file here: it is judged by its name only.
 */
function cellFilePath(uri: string): string | undefined {
  try {
    const cell = new URL(uri);
    // The handle is a length letter and base-7 digits, then `s` and the scheme.
    const scheme = /^#[W-Za-f][0-6]*s([A-Za-z0-9_-]+={0,2})$/.exec(decodeURIComponent(cell.hash))?.[1];
    if (scheme === undefined || Buffer.from(scheme, "base64url").toString() !== "file") return undefined;
    return fileURLToPath(`file://${cell.host}${cell.pathname}`);
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
