/**
 * Which workspace paths git ignores, so their code never reaches the model as context: `.git/info/exclude`, the
 * root `.gitignore` and every nested `.gitignore` on the way to the file, with git's precedence (a deeper file
 * overrides a shallower one, `!` re-includes, and nothing under an ignored directory can be re-included).
 * Rule files are read through a callback and cached, so this module is pure and unit-tested.
 *
 * Not covered: the user's global excludes file (core.excludesFile) and repositories nested inside the folder.
 */
import ignore, { type Ignore } from "ignore";

/** Reads a file by its path relative to the workspace folder ("a/.gitignore"); undefined when there is none. */
export type ReadRelativeFile = (relativePath: string) => Promise<string | undefined>;

export class GitIgnoredPaths {
  private readonly rules = new Map<string, Promise<Ignore | undefined>>();

  constructor(private readonly read: ReadRelativeFile) {}

  /** Forgets every rule file read (one was saved, created or deleted). */
  clear(): void {
    this.rules.clear();
  }

  /** Whether git would ignore `relativePath` (forward slashes, relative to the folder). */
  async isIgnored(relativePath: string): Promise<boolean> {
    const segments = relativePath.split("/").filter((segment) => segment !== "" && segment !== ".");
    if (segments.length === 0 || segments.includes("..")) return false;
    // Each directory on the way first: a file inside an ignored directory is ignored whatever deeper rules say.
    for (let depth = 1; depth <= segments.length; depth++) {
      const isDirectory = depth < segments.length;
      if (await this.matches(segments.slice(0, depth), isDirectory)) return true;
    }
    return false;
  }

  /** The last rule that decides about this path wins, from `.git/info/exclude` down to its own directory's file. */
  private async matches(segments: string[], isDirectory: boolean): Promise<boolean> {
    const levels: { directory: string[]; rules: Ignore | undefined }[] = [
      { directory: [], rules: await this.rulesFrom(".git/info/exclude") },
    ];
    for (let depth = 0; depth < segments.length; depth++) {
      const directory = segments.slice(0, depth);
      levels.push({ directory, rules: await this.rulesFrom([...directory, ".gitignore"].join("/")) });
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

  private rulesFrom(relativePath: string): Promise<Ignore | undefined> {
    let rules = this.rules.get(relativePath);
    if (!rules) {
      rules = this.read(relativePath).then(
        (text) => (text === undefined ? undefined : ignore().add(text)),
        () => undefined,
      );
      this.rules.set(relativePath, rules);
    }
    return rules;
  }
}
