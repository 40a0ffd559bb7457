/**
 * The folders the agent never reads (`.git`, `node_modules`, …), named the way a case-insensitive or Windows file
 * system would still resolve them: each spelling here opens the real `.git` somewhere, so each must be refused on
 * that platform. The platform is a parameter, so Windows is tested on Linux.
 */
import { strict as assert } from "node:assert";
import { comparableName, isSkippedName, protectedSegmentOf, storedPathOf } from "../../server/src/core/agent/protectedNames";
import { checkToolPath } from "../../server/src/core/agent/workspacePaths";

describe("names of folders the agent never reads, as file systems compare them", () => {
  it("refuses .git and node_modules in any case on every platform (macOS and Windows ignore case)", () => {
    for (const platform of ["linux", "darwin", "win32"] as const)
      for (const path of [".git/config", ".GIT/config", ".Git/hooks/x", "Node_Modules/a/index.js", "pkg/NODE_MODULES/x"])
        assert.match(protectedSegmentOf(path, platform) ?? "", /is inside (\.git|node_modules)\/, which is not read/, path);
  });

  it("refuses names HFS+ compares as .git (ignored code points)", () => {
    assert.ok(protectedSegmentOf(".g\u200cit/config", "darwin"));
    assert.ok(protectedSegmentOf("\ufeff.git/config", "darwin"));
  });

  it("refuses names that upper-case to .GIT, as NTFS compares them (dotless i, Kelvin sign)", () => {
    assert.ok(protectedSegmentOf(".g\u0131t/config", "win32"));
    assert.equal(comparableName("\u212Aey"), "key");
  });

  it("on Windows, refuses trailing dots and spaces, 8.3 short names and alternate data streams", () => {
    for (const path of [
      ".git./config",
      ".git /config",
      ".git. . /config",
      "GIT~1\\config",
      "NODE_M~1/x",
      ".git::$INDEX_ALLOCATION/config",
    ])
      assert.ok(protectedSegmentOf(path, "win32"), path);
    assert.ok(protectedSegmentOf("src\\.git\\config", "win32"), "backslashes separate on Windows");
  });

  it("keeps ordinary names, and on Linux the Windows-only spellings (they are other files there)", () => {
    for (const platform of ["linux", "darwin", "win32"] as const)
      for (const path of ["src/main.ts", ".github/workflows/ci.yml", ".gitignore", "git/x", "my.git/x", "node_modules2/x"])
        assert.equal(protectedSegmentOf(path, platform), undefined, `${path} on ${platform}`);
    assert.equal(protectedSegmentOf(".git./config", "linux"), undefined);
    assert.equal(protectedSegmentOf("GIT~1/config", "linux"), undefined);
  });

  it("skips the same names in walks", () => {
    assert.equal(isSkippedName(".GIT", "linux"), true);
    assert.equal(isSkippedName("NODE_MODULES", "linux"), true);
    assert.equal(isSkippedName(".hg", "linux"), true);
    assert.equal(isSkippedName("src", "linux"), false);
  });

  it("on Windows, judges secrets by the name the file system stores (.npmrc. is .npmrc)", () => {
    assert.equal(storedPathOf("C:\\w\\.npmrc.", "win32"), "C:\\w\\.npmrc");
    assert.equal(storedPathOf("C:\\w\\id_rsa  \\..\\x", "win32"), "C:\\w\\id_rsa\\..\\x");
    assert.equal(storedPathOf("/w/.npmrc.", "linux"), "/w/.npmrc.");
    const secret = checkToolPath(".npmrc.", ["C:\\w"], [], "win32");
    assert.ok(!secret.ok && /secrets file/.test(secret.reason));
  });

  it("checks Windows tool paths with Windows' path rules", () => {
    const folders = ["C:\\work\\app"];
    assert.deepEqual(checkToolPath("src\\a.ts", folders, [], "win32"), {
      ok: true,
      path: "C:\\work\\app\\src\\a.ts",
      folder: "C:\\work\\app",
    });
    for (const path of [".GIT\\config", ".git.\\hooks\\pre-commit", "GIT~1\\config", "C:\\work\\app\\Node_Modules\\x.js"]) {
      const check = checkToolPath(path, folders, [], "win32");
      assert.ok(!check.ok, path);
    }
    const outside = checkToolPath("..\\other\\a.ts", folders, [], "win32");
    assert.ok(!outside.ok && /outside the workspace/.test(outside.reason));
  });
});
