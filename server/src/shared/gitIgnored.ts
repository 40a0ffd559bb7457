/**
 * Which workspace paths git ignores, so their code never reaches the model as context: `.git/info/exclude`, the
 * repository root's `.gitignore` and every nested `.gitignore` on the way to the file, with git's precedence (a
 * deeper file overrides a shallower one, `!` re-includes, and nothing under an ignored directory can be
 * re-included). A workspace folder may be a subfolder of its repository (a monorepo package): the rules then start
 * at the repository root, above the folder (shared/gitRepository.ts finds it). Rules match case-insensitively, as
 * git does on macOS and Windows (core.ignorecase): on Linux that ignores a little more than git, never less.
 * Rule files are read through callbacks and cached by a stamp (modification time and size) checked on every use:
 * file watchers don't report inside `.git` and can lag, and a stale rule would leak an ignored file. Pure otherwise,
 * and unit-tested.
 *
 * Not covered: the user's global excludes file (core.excludesFile) and repositories nested inside the folder.
 */
import ignore, { type Ignore } from "ignore";

/** Rule files by their path relative to the repository root ("a/.gitignore"). */
export interface RuleFiles {
  /** Something that changes when the file does (modification time and size); undefined when there is no file. */
  stamp(relativePath: string): Promise<string | undefined>;
  read(relativePath: string): Promise<string>;
}

type Lookup = Map<string, Promise<Ignore | undefined>>;

export interface RepositoryLayout {
  /** The exclude file relative to the repository root (`..` allowed: a worktree's is in the main repository). */
  excludeFile?: string;
  /** The workspace folder relative to the repository root ("packages/app"); "" when the folder is the root. */
  folder?: string;
}

export class GitIgnoredPaths {
  private readonly cache = new Map<string, { stamp: string; rules: Promise<Ignore | undefined> }>();

  private readonly excludeFile: string;
  private readonly folder: string[];

  constructor(
    private readonly files: RuleFiles,
    layout: RepositoryLayout = {},
  ) {
    this.excludeFile = layout.excludeFile ?? ".git/info/exclude";
    this.folder = pathSegments(layout.folder ?? "");
  }

  /** Whether git would ignore `relativePath` (forward slashes, relative to the folder; a trailing `/`: a directory). */
  async isIgnored(relativePath: string): Promise<boolean> {
    const directory = relativePath.endsWith("/");
    const inFolder = pathSegments(relativePath);
    if (inFolder.length === 0 || inFolder.includes("..")) return false;
    const segments = [...this.folder, ...inFolder];
    const lookup: Lookup = new Map(); // each rule file is checked once per question
    // Each directory on the way first: a file inside an ignored directory is ignored whatever deeper rules say.
    for (let depth = 1; depth <= segments.length; depth++) {
      const isDirectory = depth < segments.length || directory;
      if (await this.matches(segments.slice(0, depth), isDirectory, lookup)) return true;
    }
    return false;
  }

  /** The last rule that decides about this path wins, from `.git/info/exclude` down to its own directory's file. */
  private async matches(segments: string[], isDirectory: boolean, lookup: Lookup): Promise<boolean> {
    const levels: { directory: string[]; rules: Ignore | undefined }[] = [
      { directory: [], rules: await this.rulesFrom(this.excludeFile, lookup) },
    ];
    for (let depth = 0; depth < segments.length; depth++) {
      const directory = segments.slice(0, depth);
      levels.push({ directory, rules: await this.rulesFrom([...directory, ".gitignore"].join("/"), lookup) });
    }
    let ignored = false;
    for (const { directory, rules } of levels) {
      if (!rules) continue;
      const path = segments.slice(directory.length).join("/") + (isDirectory ? "/" : "");
      const verdict = rules.test(path);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  private rulesFrom(relativePath: string, lookup: Lookup): Promise<Ignore | undefined> {
    let rules = lookup.get(relativePath);
    if (!rules) {
      rules = this.currentRules(relativePath);
      lookup.set(relativePath, rules);
    }
    return rules;
  }

  private async currentRules(relativePath: string): Promise<Ignore | undefined> {
    const stamp = await this.files.stamp(relativePath).catch(() => undefined);
    if (stamp === undefined) {
      this.cache.delete(relativePath);
      return undefined;
    }
    const cached = this.cache.get(relativePath);
    if (cached?.stamp === stamp) return cached.rules;
    const rules = this.files.read(relativePath).then(
      (text) => ignore({ ignorecase: true }).add(text),
      () => undefined,
    );
    this.cache.set(relativePath, { stamp, rules });
    return rules;
  }
}

function pathSegments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "" && segment !== ".");
}
