/**
 * Whether git ignores a file where it really is: its real path (every link followed, realPath.ts) judged by the rules
 * of the repository that real path is in. A link `readme2.md -> private/diary.md` with `private/` ignored is ignored,
 * whatever its own name; so is a link into another repository's ignored folder. A path whose links never end can't
 * be judged by where it leads and counts as ignored (fail closed). Rules are taken from the workspace folder that
 * holds the real path (so a folder that is no repository yet still has its root `.gitignore` apply), else from the
 * real path's own directory; either way from the repository above, when there is one. Used for cross-file context
 * by the client and, for any editor's chunks, by the server. Native paths, node:fs.
 */
import { dirname, relative, sep } from "node:path";
import { FolderIgnoredPaths, type RepositoryFileSystem } from "./gitRepository";
import { nodeRepositoryFiles } from "./nodeRepositoryFiles";
import { realTargetOf } from "./realPath";

/** Directories whose rules are kept; past this the cache starts again (each entry re-checks its files' stamps anyway). */
const DIRECTORIES_KEPT = 256;

export class IgnoredWhereItLeads {
  private readonly byDirectory = new Map<string, FolderIgnoredPaths>();

  constructor(private readonly fs: RepositoryFileSystem = nodeRepositoryFiles) {}

  /**
   * Whether the file at `path` (a native path) is git-ignored where its links lead, or its links never end.
   * `folders`: the workspace folders (native paths), whose rules apply to what is in them.
   */
  async isIgnored(path: string, folders: readonly string[] = []): Promise<boolean> {
    const real = await realTargetOf(path);
    if (real === undefined) return true;
    const base = (await this.folderHolding(real, folders)) ?? dirname(real);
    const rel = relative(base, real).split(sep).join("/");
    if (rel === "" || rel.startsWith("../")) return false;
    return this.rulesFor(base).isIgnored(rel);
  }

  /** The deepest workspace folder (by its real path) that holds `real`. */
  private async folderHolding(real: string, folders: readonly string[]): Promise<string | undefined> {
    const realFolders = await Promise.all(folders.map(realTargetOf));
    return realFolders
      .filter((folder): folder is string => folder !== undefined && real.startsWith(folder + sep))
      .sort((a, b) => b.length - a.length)[0];
  }

  /** The rules for paths below `directory`: its repository's, found from there upward (or its own files, outside one). */
  private rulesFor(directory: string): FolderIgnoredPaths {
    let rules = this.byDirectory.get(directory);
    if (!rules) {
      if (this.byDirectory.size >= DIRECTORIES_KEPT) this.byDirectory.clear();
      rules = new FolderIgnoredPaths(directory, this.fs);
      this.byDirectory.set(directory, rules);
    }
    return rules;
  }
}
