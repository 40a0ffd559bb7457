/**
 * The git repository a workspace folder is in, so its ignore rules are the repository's: a monorepo package opened
 * as the folder still gets the root `.gitignore` and `.git/info/exclude`. The repository is the nearest directory at
 * or above the folder with a `.git` folder, or a `.git` file (a worktree or submodule, `gitdir: <path>`), whose
 * exclude file lies in the git directory it names (a worktree's `commondir` leads to the main repository's).
 * Files are reached through callbacks, so the client (VS Code's file system) and the server (node:fs) share it.
 */
import { GitIgnoredPaths } from "./gitIgnored";

/** A file system seen through paths of one flavour (native paths on the server, URI paths in the client). */
export interface RepositoryFileSystem {
  /** The directory holding `path`, or undefined at the top. */
  parent(path: string): string | undefined;
  /** `path` as written in a `.git` or `commondir` file (relative to `base`, or absolute), resolved. */
  resolve(base: string, path: string): string;
  /** `to` relative to `from`, with forward slashes ("" when they are the same). */
  relative(from: string, to: string): string;
  kind(path: string): Promise<"file" | "directory" | undefined>;
  /** Something that changes when the file does; undefined when there is no file. */
  stamp(path: string): Promise<string | undefined>;
  read(path: string): Promise<string>;
}

export interface Repository {
  /** The work tree's top directory, where the root `.gitignore` is. */
  root: string;
  excludeFile: string;
}

/** The repository that holds `folder`, or undefined when none does. */
export async function findRepository(folder: string, fs: RepositoryFileSystem): Promise<Repository | undefined> {
  for (let directory: string | undefined = folder; directory !== undefined; directory = fs.parent(directory)) {
    const dotGit = fs.resolve(directory, ".git");
    const kind = await fs.kind(dotGit).catch(() => undefined);
    if (kind === "directory") return { root: directory, excludeFile: fs.resolve(dotGit, "info/exclude") };
    if (kind === "file") return { root: directory, excludeFile: await linkedExcludeFile(directory, dotGit, fs) };
  }
  return undefined;
}

/** The exclude file of a worktree or submodule: in the git directory its `.git` file names, or that one's common one. */
async function linkedExcludeFile(root: string, dotGit: string, fs: RepositoryFileSystem): Promise<string> {
  const pointer = /^gitdir:[ \t]*(.+?)[ \t\r]*$/m.exec(await fs.read(dotGit).catch(() => ""));
  // An unreadable pointer: the usual place, which holds nothing here.
  if (!pointer) return fs.resolve(dotGit, "info/exclude");
  const gitDir = fs.resolve(root, pointer[1]);
  const common = (await fs.read(fs.resolve(gitDir, "commondir")).catch(() => "")).trim();
  return fs.resolve(common === "" ? gitDir : fs.resolve(gitDir, common), "info/exclude");
}

/**
 * What git ignores in one workspace folder, by the rules of the repository it is in (found on first use and kept:
 * a folder's repository does not move while it is open). Without a repository, the folder's own rule files count.
 */
export class FolderIgnoredPaths {
  private paths: Promise<GitIgnoredPaths> | undefined;

  constructor(
    private readonly folder: string,
    private readonly fs: RepositoryFileSystem,
  ) {}

  /** Whether git ignores `relativePath` (forward slashes, relative to the folder; a trailing `/`: a directory). */
  async isIgnored(relativePath: string): Promise<boolean> {
    this.paths ??= this.load();
    return (await this.paths).isIgnored(relativePath);
  }

  private async load(): Promise<GitIgnoredPaths> {
    const repository = await findRepository(this.folder, this.fs);
    const root = repository?.root ?? this.folder;
    const at = (relativePath: string) => this.fs.resolve(root, relativePath);
    return new GitIgnoredPaths(
      { stamp: (relativePath) => this.fs.stamp(at(relativePath)), read: (relativePath) => this.fs.read(at(relativePath)) },
      {
        folder: this.fs.relative(root, this.folder),
        excludeFile: repository && this.fs.relative(root, repository.excludeFile),
      },
    );
  }
}
