import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { GitIgnoredPaths } from "../../server/src/shared/gitIgnored";
import { FolderIgnoredPaths, findRepository, type RepositoryFileSystem } from "../../server/src/shared/gitRepository";
import { IgnoredWhereItLeads } from "../../server/src/shared/ignoredWhereItLeads";

/** A workspace's rule files, as the forwarder would read them; the stamp is the text itself. */
function workspace(files: Record<string, string>): { paths: GitIgnoredPaths; reads: string[] } {
  const reads: string[] = [];
  const paths = new GitIgnoredPaths({
    stamp: async (path) => files[path],
    read: async (path) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
  });
  return { paths, reads };
}

describe("git-ignored paths (what cross-file context never forwards)", () => {
  it("applies the root .gitignore", async () => {
    const { paths } = workspace({ ".gitignore": "dist/\n*.log\n" });
    assert.equal(await paths.isIgnored("dist/bundle.js"), true);
    assert.equal(await paths.isIgnored("logs/today.log"), true);
    assert.equal(await paths.isIgnored("src/main.ts"), false);
  });

  it("asks about a directory itself with a trailing slash (a directory-only rule matches it)", async () => {
    const { paths } = workspace({ ".gitignore": "dist/\n" });
    assert.equal(await paths.isIgnored("dist/"), true);
    assert.equal(await paths.isIgnored("dist"), false, "a file named dist is not what dist/ ignores");
  });

  it("applies a nested .gitignore relative to its own directory", async () => {
    const { paths } = workspace({ "packages/api/.gitignore": "/generated\nsecret-*.ts\n" });
    assert.equal(await paths.isIgnored("packages/api/generated/client.ts"), true);
    assert.equal(await paths.isIgnored("packages/api/src/secret-keys.ts"), true);
    // Anchored to packages/api, so the same names elsewhere are fine.
    assert.equal(await paths.isIgnored("generated/client.ts"), false);
    assert.equal(await paths.isIgnored("packages/web/src/secret-keys.ts"), false);
  });

  it("lets a deeper file re-include what a shallower one ignores", async () => {
    const { paths } = workspace({ ".gitignore": "*.gen.ts\n", "src/.gitignore": "!keep.gen.ts\n" });
    assert.equal(await paths.isIgnored("src/keep.gen.ts"), false);
    assert.equal(await paths.isIgnored("src/other.gen.ts"), true);
    assert.equal(await paths.isIgnored("keep.gen.ts"), true);
  });

  it("never re-includes a file inside an ignored directory, as git doesn't", async () => {
    const { paths } = workspace({ ".gitignore": "build/\n", "build/.gitignore": "!out.ts\n" });
    assert.equal(await paths.isIgnored("build/out.ts"), true);
  });

  it("applies .git/info/exclude, below the .gitignore files in precedence", async () => {
    const { paths } = workspace({ ".git/info/exclude": "scratch/\nlocal.ts\n", ".gitignore": "!local.ts\n" });
    assert.equal(await paths.isIgnored("scratch/notes.ts"), true);
    assert.equal(await paths.isIgnored("local.ts"), false);
  });

  it("reads a rule file again only when it changed, and notices one appear or go", async () => {
    const files: Record<string, string> = { ".gitignore": "dist/\n" };
    const reads: string[] = [];
    const paths = new GitIgnoredPaths({
      stamp: async (path) => files[path],
      read: async (path) => {
        reads.push(path);
        return files[path] ?? "";
      },
    });
    await paths.isIgnored("src/a.ts");
    await paths.isIgnored("src/b.ts");
    assert.deepEqual(reads, [".gitignore"]);
    files[".git/info/exclude"] = "src/b.ts\n";
    assert.equal(await paths.isIgnored("src/b.ts"), true);
    files[".gitignore"] = "dist/\nsrc/a.ts\n";
    assert.equal(await paths.isIgnored("src/a.ts"), true);
    assert.deepEqual(reads, [".gitignore", ".git/info/exclude", ".gitignore"]);
    delete files[".gitignore"];
    assert.equal(await paths.isIgnored("src/a.ts"), false);
  });

  it("treats an unreadable rule file as absent", async () => {
    const paths = new GitIgnoredPaths({
      stamp: async () => "1",
      read: async () => {
        throw new Error("EACCES");
      },
    });
    assert.equal(await paths.isIgnored("src/main.ts"), false);
  });
});

describe("git-ignored paths: rules case-insensitive, as git's on macOS and Windows (core.ignorecase)", () => {
  it("a rule matches a name in another case (safe on Linux too: it ignores more, never less)", async () => {
    const { paths } = workspace({ ".gitignore": "private/\n*.local.json\n" });
    assert.equal(await paths.isIgnored("PRIVATE/key.txt"), true);
    assert.equal(await paths.isIgnored("Settings.LOCAL.json"), true);
  });
});

/** A file system of absolute POSIX paths: files by path; every directory above a file exists. */
function fileSystem(files: Record<string, string>): RepositoryFileSystem & { reads: string[] } {
  const reads: string[] = [];
  const isDirectory = (path: string) => Object.keys(files).some((file) => file.startsWith(`${path}/`));
  return {
    reads,
    parent: (path) => (posix.dirname(path) === path ? undefined : posix.dirname(path)),
    resolve: (base, path) => posix.resolve(base, path),
    relative: (from, to) => posix.relative(from, to),
    kind: async (path) => (files[path] !== undefined ? "file" : isDirectory(path) ? "directory" : undefined),
    stamp: async (path) => files[path],
    read: async (path) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
  };
}

describe("the repository a workspace folder is in (monorepo packages get the root's rules)", () => {
  const monorepo = {
    "/repo/.git/HEAD": "ref: refs/heads/main\n",
    "/repo/.git/info/exclude": "private/\n",
    "/repo/.gitignore": "*.local.json\n/top-only.ts\n",
    "/repo/packages/app/.gitignore": "!kept.local.json\n",
    "/repo/packages/app/src/main.ts": "",
  };

  it("is the nearest directory above with a .git folder", async () => {
    assert.deepEqual(await findRepository("/repo/packages/app", fileSystem(monorepo)), {
      root: "/repo",
      excludeFile: "/repo/.git/info/exclude",
    });
    assert.equal(await findRepository("/elsewhere", fileSystem(monorepo)), undefined);
  });

  it("applies the root .gitignore and .git/info/exclude to a folder below the root, with git's precedence", async () => {
    const paths = new FolderIgnoredPaths("/repo/packages/app", fileSystem(monorepo));
    assert.equal(await paths.isIgnored("config.local.json"), true);
    assert.equal(await paths.isIgnored("src/deep/dev.local.json"), true);
    assert.equal(await paths.isIgnored("private/token.txt"), true);
    assert.equal(await paths.isIgnored("private/"), true);
    // The folder's own .gitignore is deeper, so it re-includes; an anchored root rule names the root's file only.
    assert.equal(await paths.isIgnored("kept.local.json"), false);
    assert.equal(await paths.isIgnored("top-only.ts"), false);
    assert.equal(await paths.isIgnored("src/main.ts"), false);
  });

  it("ignores the whole folder when the root ignores a directory above it", async () => {
    const files = { ...monorepo, "/repo/.gitignore": "packages/\n" };
    const paths = new FolderIgnoredPaths("/repo/packages/app", fileSystem(files));
    assert.equal(await paths.isIgnored("src/main.ts"), true);
  });

  it("follows a worktree's .git file to the main repository's exclude file (commondir)", async () => {
    const files = {
      "/main/.git/info/exclude": "scratch/\n",
      "/main/.git/worktrees/feature/commondir": "../..\n",
      "/wt/.git": "gitdir: /main/.git/worktrees/feature\n",
      "/wt/pkg/a.ts": "",
    };
    assert.deepEqual(await findRepository("/wt/pkg", fileSystem(files)), {
      root: "/wt",
      excludeFile: "/main/.git/info/exclude",
    });
    const paths = new FolderIgnoredPaths("/wt/pkg", fileSystem(files));
    assert.equal(await paths.isIgnored("scratch/x.ts"), true);
  });

  it("follows a submodule's relative gitdir to its own exclude file", async () => {
    const files = {
      "/super/.git/modules/lib/info/exclude": "gen/\n",
      "/super/lib/.git": "gitdir: ../.git/modules/lib\n",
      "/super/lib/src/a.ts": "",
    };
    assert.deepEqual(await findRepository("/super/lib/src", fileSystem(files)), {
      root: "/super/lib",
      excludeFile: "/super/.git/modules/lib/info/exclude",
    });
    assert.equal(await new FolderIgnoredPaths("/super/lib", fileSystem(files)).isIgnored("gen/x.ts"), true);
  });

  it("without a repository, the folder's own rule files count", async () => {
    const files = { "/plain/.gitignore": "dist/\n", "/plain/dist/a.js": "" };
    assert.equal(await new FolderIgnoredPaths("/plain", fileSystem(files)).isIgnored("dist/a.js"), true);
  });

  it("looks for the repository once, then only checks the rule files' stamps", async () => {
    const fs = fileSystem(monorepo);
    let kinds = 0;
    const counting = {
      ...fs,
      kind: (path: string) => {
        kinds++;
        return fs.kind(path);
      },
    };
    const paths = new FolderIgnoredPaths("/repo/packages/app", counting);
    await paths.isIgnored("a.ts");
    const afterFirst = kinds;
    await paths.isIgnored("b.ts");
    assert.equal(kinds, afterFirst);
    assert.deepEqual(fs.reads.filter((path) => path === "/repo/.gitignore").length, 1);
  });
});

describe("git-ignored where a file really is (links followed, the real path's repository)", () => {
  let root: string;
  const at = (path: string) => join(root, "work", path);

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-ignored-real-")));
    for (const dir of ["work/.git/info", "work/private", "work/src", "other/.git", "plain/private"])
      mkdirSync(join(root, dir), { recursive: true });
    // A workspace folder that is no repository (yet): its own root .gitignore applies to what its links lead to.
    writeFileSync(join(root, "plain", ".gitignore"), "private/\n");
    writeFileSync(join(root, "plain", "private", "notes.md"), "notes\n");
    symlinkSync("private/notes.md", join(root, "plain", "readme2.md"));
    writeFileSync(at(".gitignore"), "private/\n");
    writeFileSync(at(".git/info/exclude"), "scratch.md\n");
    writeFileSync(at("private/diary.md"), "dear diary\n");
    writeFileSync(at("scratch.md"), "notes\n");
    writeFileSync(at("src/public.md"), "public\n");
    writeFileSync(join(root, "other", ".gitignore"), "*.log\n");
    writeFileSync(join(root, "other", "app.log"), "log\n");
    symlinkSync("private/diary.md", at("readme2.md"));
    symlinkSync("../private", at("src/shelf"));
    symlinkSync("scratch.md", at("todo.md"));
    symlinkSync("../other/app.log", at("build.txt"));
    symlinkSync("private/later.md", at("later.md"));
    symlinkSync("src/public.md", at("docs.md"));
    symlinkSync("loop-b", at("loop-a"));
    symlinkSync("loop-a", at("loop-b"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("a link to an ignored file, into an ignored folder, or to an excluded one is ignored, by its target's rules", async () => {
    const ignored = new IgnoredWhereItLeads();
    for (const path of ["readme2.md", "src/shelf/diary.md", "todo.md", "private/diary.md", "later.md"])
      assert.equal(await ignored.isIgnored(at(path)), true, path);
  });

  it("a link into another repository is judged by that repository's rules", async () => {
    assert.equal(await new IgnoredWhereItLeads().isIgnored(at("build.txt")), true);
  });

  it("in a workspace folder that is no repository, the folder's root .gitignore applies to a link's target", async () => {
    const folder = join(root, "plain");
    assert.equal(await new IgnoredWhereItLeads().isIgnored(join(folder, "readme2.md"), [folder]), true);
  });

  it("a link loop counts as ignored (where it leads can't be known); ordinary files and links to them do not", async () => {
    const ignored = new IgnoredWhereItLeads();
    assert.equal(await ignored.isIgnored(at("loop-a")), true);
    for (const path of ["docs.md", "src/public.md", "missing.md"]) assert.equal(await ignored.isIgnored(at(path)), false, path);
  });
});
