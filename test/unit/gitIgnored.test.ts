import { strict as assert } from "node:assert";
import { GitIgnoredPaths } from "../../server/src/shared/gitIgnored";

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
