/**
 * Named pipes in the workspace, as a hostile repository can't ship them but a script or a checkout hook can make
 * them: a read of a FIFO never returns and holds one of libuv's four file-system threads, so four of them would hang
 * every later file operation (secrets checks included). Every server read of a workspace file refuses them.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeRepositoryFiles } from "../../server/src/agent/repositoryFiles";
import { readTextFile } from "../../server/src/agent/workspaceAccess";
import { FolderIgnoredPaths } from "../../server/src/shared/gitRepository";
import { readRegularFile } from "../../server/src/shared/regularFile";

/** Fails after `ms` instead of hanging the suite, naming what never answered. */
function promptly<T>(what: string, promise: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms).unref()),
  ]);
}

(process.platform === "win32" ? describe.skip : describe)("named pipes (FIFOs) in the workspace are never read", () => {
  let root: string;
  const fifos: string[] = [];

  function mkfifo(path: string): string {
    execFileSync("mkfifo", [path]);
    fifos.push(path);
    return path;
  }

  before(() => {
    root = mkdtempSync(join(tmpdir(), "hearth-fifo-"));
    mkdirSync(join(root, ".git", "info"), { recursive: true });
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "a.ts"), "export const a = 1;\n");
    writeFileSync(join(root, ".gitignore"), "private/\n");
    mkfifo(join(root, ".git", "info", "exclude"));
    mkfifo(join(root, "src", ".gitignore"));
    for (let index = 0; index < 5; index++) mkfifo(join(root, `pipe${index}.txt`));
    symlinkSync("pipe0.txt", join(root, "notes.md"));
  });

  after(() => {
    // A read the old code left waiting ends when a writer comes and goes; then the process can exit.
    for (const fifo of fifos) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader waiting: nothing to release.
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("readTextFile refuses a FIFO (and a link to one) at once, and the file-system threads stay free", async () => {
    const reads = [0, 1, 2, 3, 4].map((index) => readTextFile(join(root, `pipe${index}.txt`), 1_000_000));
    for (const read of await promptly("reading five FIFOs", Promise.all(reads)))
      assert.match("error" in read ? read.error : "", /not a regular file/);
    const linked = await promptly("reading a link to a FIFO", readTextFile(join(root, "notes.md"), 1_000_000));
    assert.match("error" in linked ? linked.error : "", /not a regular file/);
    // Were five reads waiting, libuv's four threads would be taken, and this ordinary read would never finish.
    assert.equal(
      await promptly("an ordinary read after them", readFile(join(root, "src", "a.ts"), "utf8")),
      "export const a = 1;\n",
    );
    assert.deepEqual(await readTextFile(join(root, "src", "a.ts"), 1_000_000), { text: "export const a = 1;\n" });
  });

  it("readRegularFile says what a path is instead of reading it", async () => {
    assert.deepEqual(await promptly("a FIFO", readRegularFile(join(root, "pipe1.txt"))), { error: "not-regular" });
    assert.deepEqual(await readRegularFile(join(root, "src")), { error: "directory" });
    assert.deepEqual(await readRegularFile(join(root, "missing.txt")), { error: "missing" });
    assert.deepEqual(await readRegularFile(join(root, "src", "a.ts"), 4), { error: "too-large", size: 20 });
  });

  it("a .gitignore or .git/info/exclude that is a FIFO counts as absent; the other rules still apply", async () => {
    assert.equal(await promptly("stamping a FIFO", nodeRepositoryFiles.stamp(join(root, "src", ".gitignore"))), undefined);
    await assert.rejects(promptly("reading a FIFO", nodeRepositoryFiles.read(join(root, ".git", "info", "exclude"))));
    const ignored = new FolderIgnoredPaths(root, nodeRepositoryFiles);
    assert.equal(await promptly("an ignore check", ignored.isIgnored("private/diary.md")), true);
    assert.equal(await promptly("an ignore check", ignored.isIgnored("src/a.ts")), false);
  });
});
