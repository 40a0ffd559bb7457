/**
 * shared/realPath.ts, the one place links are followed (secrets, the agent's tools, the client's review of protected
 * files), on a real folder laid out as a hostile repository would: links to `.env` and into `.git`, dangling links to
 * files not created yet, `..` after a linked folder, links leading out, loops and chains longer than a system follows.
 * Then client/src/agent/editPlace.ts, which judges an agent edit by the file it really writes, and cross-file
 * context, which drops a chunk whose file's links never end (secrets' own link cases are in sensitiveFiles.test.ts).
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Connection } from "vscode-languageserver";
import { editPlace } from "../../client/src/agent/editPlace";
import { CompletionContext } from "../../server/src/context/contextFeature";
import { ContextChunkNotification } from "../../server/src/shared/protocol";
import { linkOnTheWay, realTargetOf } from "../../server/src/shared/realPath";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

describe("the real path a path leads to", () => {
  let root: string;
  let ws: string;
  /** `names` joined with the separator but NOT normalised, so a `..` stays where it was written. */
  const raw = (...names: string[]) => [ws, ...names].join(sep);

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-realpath-")));
    ws = join(root, "ws");
    mkdirSync(join(ws, ".git", "hooks"), { recursive: true });
    mkdirSync(join(ws, ".vscode"));
    mkdirSync(join(ws, "secrets"));
    mkdirSync(join(ws, "src", "deep"), { recursive: true });
    mkdirSync(join(ws, "deep", "er"), { recursive: true });
    writeFileSync(join(ws, ".git", "config"), "[core]\n");
    writeFileSync(join(ws, ".vscode", "tasks.json"), "{}");
    writeFileSync(join(ws, ".env"), "API_KEY=hunter2\n");
    writeFileSync(join(ws, "secrets", "db.txt"), "password\n");
    writeFileSync(join(ws, "src", "main.ts"), "export {};\n");
    // Links to existing files and folders, absolute and relative, and a chain.
    symlinkSync(join(ws, ".vscode"), join(ws, "editor"));
    symlinkSync(join(ws, ".vscode", "tasks.json"), join(ws, "tasks-link.json"));
    symlinkSync(".env", join(ws, "notes.txt"));
    symlinkSync("notes.txt", join(ws, "chain.txt"));
    symlinkSync("secrets", join(ws, "shelf"));
    symlinkSync(".git/config", join(ws, "gitcfg"));
    symlinkSync("src", join(ws, "linkdir"));
    // Dangling links: judged by the file they would create.
    symlinkSync(".env.later", join(ws, "dangling.txt"));
    symlinkSync("missing-dir/.env", join(ws, "dangling-deep.txt"));
    symlinkSync(".git/hooks/pre-commit", join(ws, "hook"));
    symlinkSync("src/../.git/hooks/post-checkout", join(ws, "hook2"));
    symlinkSync(".vscode/launch.json", join(ws, "launch-link.json"));
    symlinkSync("missing/../../outside.txt", join(ws, "away"));
    symlinkSync(join(root, "elsewhere", "x.txt"), join(ws, "out-link.txt"));
    // `..` after a linked folder is the target's parent, not what taking the name off would give.
    symlinkSync(join(ws, "deep", "er"), join(ws, "secrets", "up"));
    symlinkSync("secrets/up/../.env.new", join(ws, "through-link.txt"));
    symlinkSync("../.git/hooks", join(ws, "src", "h"));
    symlinkSync("h/../post-merge-hook", join(ws, "src", "c"));
    // Loops, and chains of links as long as Linux follows (40) and one longer.
    symlinkSync("loop-b", join(ws, "loop-a"));
    symlinkSync("loop-a", join(ws, "loop-b"));
    symlinkSync("self", join(ws, "self"));
    symlinkSync("loop-a/x.ts", join(ws, "into-loop"));
    mkdirSync(join(ws, "chains"));
    let previous = "../.env.chained";
    for (let link = 1; link <= 41; link++) {
      symlinkSync(previous, join(ws, "chains", `l${link}`));
      previous = `l${link}`;
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("follows a link to an existing file or folder, relative or absolute, and a chain of them", async () => {
    assert.equal(await realTargetOf(join(ws, "tasks-link.json")), join(ws, ".vscode", "tasks.json"));
    assert.equal(await realTargetOf(join(ws, "notes.txt")), join(ws, ".env"));
    assert.equal(await realTargetOf(join(ws, "chain.txt")), join(ws, ".env"));
    assert.equal(await realTargetOf(join(ws, "shelf", "db.txt")), join(ws, "secrets", "db.txt"));
    assert.equal(await realTargetOf(join(ws, "gitcfg")), join(ws, ".git", "config"));
    assert.equal(await realTargetOf(join(ws, "src", "main.ts")), join(ws, "src", "main.ts"), "no link: itself");
  });

  it("judges a file not created yet by its nearest existing folder's real path", async () => {
    assert.equal(await realTargetOf(join(ws, "editor", "new", "launch.json")), join(ws, ".vscode", "new", "launch.json"));
    assert.equal(await realTargetOf(join(ws, "linkdir", "new.ts")), join(ws, "src", "new.ts"));
    assert.equal(await realTargetOf(join(ws, "not-there.txt")), join(ws, "not-there.txt"));
  });

  it("judges a dangling link by its target, which may be created later", async () => {
    assert.equal(await realTargetOf(join(ws, "dangling.txt")), join(ws, ".env.later"));
    assert.equal(await realTargetOf(join(ws, "dangling-deep.txt")), join(ws, "missing-dir", ".env"));
    assert.equal(await realTargetOf(join(ws, "hook")), join(ws, ".git", "hooks", "pre-commit"));
    assert.equal(await realTargetOf(join(ws, "hook2")), join(ws, ".git", "hooks", "post-checkout"));
    assert.equal(await realTargetOf(join(ws, "away")), join(root, "outside.txt"));
    assert.equal(await realTargetOf(join(ws, "out-link.txt")), join(root, "elsewhere", "x.txt"));
  });

  it("takes `..` after a linked folder as the system does: the target's parent", async () => {
    assert.equal(await realTargetOf(join(ws, "through-link.txt")), join(ws, "deep", ".env.new"));
    assert.equal(await realTargetOf(join(ws, "src", "c")), join(ws, ".git", "post-merge-hook"));
    // In the path asked for too: src/h/.. is .git, where taking `h/..` off by name would give src/.
    assert.equal(await realTargetOf(raw("src", "h", "..", "new-hook")), join(ws, ".git", "new-hook"));
    assert.equal(await realTargetOf(raw("src", "h", "..", "config")), join(ws, ".git", "config"));
  });

  it("refuses links that go round in a loop, and a chain longer than a system follows", async () => {
    for (const name of ["loop-a", "loop-b", "self", "into-loop", join("loop-a", "deeper.txt")])
      assert.equal(await realTargetOf(join(ws, name)), undefined, name);
    assert.equal(await realTargetOf(join(ws, "chains", "l40")), join(ws, ".env.chained"), "40 links are followed");
    assert.equal(await realTargetOf(join(ws, "chains", "l41")), undefined, "41 are too many");
  });

  it("names the first link on the way from a folder to a path, the folder itself included", async () => {
    assert.equal(await linkOnTheWay(ws, join(ws, "linkdir", "main.ts")), "linkdir");
    assert.equal(await linkOnTheWay(ws, join(ws, "linkdir", "new", "x.ts")), "linkdir");
    assert.equal(await linkOnTheWay(ws, join(ws, "hook")), "hook", "a dangling link");
    assert.equal(await linkOnTheWay(ws, join(ws, "src", "h", "pre-commit")), "src/h");
    assert.equal(await linkOnTheWay(ws, join(ws, "src", "main.ts")), undefined);
    assert.equal(await linkOnTheWay(ws, join(ws, "src", "new", "deeper.ts")), undefined, "folders not created yet");
    assert.equal(await linkOnTheWay(join(ws, "editor"), join(ws, "editor", "tasks.json")), undefined);
  });

  describe("the place an agent edit would write (client)", () => {
    it("follows a link to the file, so a harmless name can't hide .vscode/tasks.json", async () => {
      const place = await editPlace(join(ws, "tasks-link.json"), ws);
      assert.equal(place?.real, join(ws, ".vscode", "tasks.json"));
      assert.equal(place?.inFolder, join(".vscode", "tasks.json"));
      assert.equal(place?.protection?.matched, ".vscode");
      assert.equal(place?.outside, false);
    });

    it("judges a new file by its nearest existing folder's real path", async () => {
      const place = await editPlace(join(ws, "editor", "new", "launch.json"), ws);
      assert.equal(place?.real, join(ws, ".vscode", "new", "launch.json"));
      assert.equal(place?.protection?.matched, ".vscode");
    });

    it("judges a dangling link by the protected file it would create", async () => {
      const place = await editPlace(join(ws, "launch-link.json"), ws);
      assert.equal(place?.real, join(ws, ".vscode", "launch.json"));
      assert.equal(place?.protection?.matched, ".vscode");
      assert.equal((await editPlace(join(ws, "hook"), ws))?.protection?.matched, ".git");
    });

    it("says when a link leads out of the workspace, and leaves an ordinary file unprotected", async () => {
      assert.equal((await editPlace(join(ws, "out-link.txt"), ws))?.outside, true);
      assert.equal((await editPlace(join(ws, "away"), ws))?.outside, true);
      const plain = await editPlace(join(ws, "linkdir", "main.ts"), ws);
      assert.deepEqual(plain, {
        real: join(ws, "src", "main.ts"),
        inFolder: join("src", "main.ts"),
        outside: false,
        protection: undefined,
      });
    });

    it("has no place for a path whose links never end (the edit is refused)", async () => {
      assert.equal(await editPlace(join(ws, "loop-a"), ws), undefined);
      assert.equal(await editPlace(join(ws, "into-loop"), ws), undefined);
    });
  });

  it("cross-file context keeps a chunk by its real file, and drops one whose links never end", async () => {
    let chunkArrived: ((params: unknown) => void) | undefined;
    const connection = {
      onNotification: (type: unknown, handler: (params: unknown) => void) => {
        if (type === ContextChunkNotification.type) chunkArrived = handler;
      },
    } as unknown as Connection;
    const context = new CompletionContext(
      () => DEFAULT_SETTINGS,
      () => [ws],
    );
    context.register(connection);
    for (const name of ["linkdir/main.ts", "loop-a", "into-loop", "notes.txt"])
      chunkArrived?.({ uri: pathToFileURL(join(ws, name)).toString(), path: name, text: "export {};", startLine: 0 });
    await context.settled();
    const stored: string[] = [];
    context.store.removeWhere((chunk) => {
      stored.push(chunk.path);
      return false;
    });
    assert.deepEqual(stored, ["linkdir/main.ts"]);
  });
});
