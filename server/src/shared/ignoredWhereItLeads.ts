/**
 * Whether git ignores a file where it really is: its real path (every link followed, realPath.ts) judged by the rules
 * of the repository that real path is in. A link `readme2.md -> private/diary.md` with `private/` ignored is ignored,
 * whatever its own name; so is a link into another repository's ignored folder. A path whose links never end can't
 * be judged by where it leads and counts as ignored (fail closed). Used for cross-file context by the client and,
 * for any editor's chunks, by the server. Native paths, node:fs.
 */
import { basename, dirname } from "node:path";
import { FolderIgnoredPaths, type RepositoryFileSystem } from "./gitRepository";
import { nodeRepositoryFiles } from "./nodeRepositoryFiles";
import { realTargetOf } from "./realPath";

/** Directories whose rules are kept; past this the cache starts again (each entry re-checks its files' stamps anyway). */
const DIRECTORIES_KEPT = 256;

export class IgnoredWhereItLeads {
  private readonly byDirectory = new Map<string, FolderIgnoredPaths>();

  constructor(private readonly fs: RepositoryFileSystem = nodeRepositoryFiles) {}

  /** Whether the file at `path` (a native path) is git-ignored where its links lead, or its links never end. */
  async isIgnored(path: string): Promise<boolean> {
    const real = await realTargetOf(path);
    if (real === undefined) return true;
    const directory = dirname(real);
    if (directory === real) return false;
    return this.rulesFor(directory).isIgnored(basename(real));
  }

  /** The rules for names in `directory`: its repository's, found from there upward (or its own files, outside one). */
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
