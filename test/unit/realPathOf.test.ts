import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realPathOf } from "../../client/src/agent/realPathOf";
import { protectedPath } from "../../server/src/shared/protectedPaths";

describe("the real path an agent edit would write", () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-realpath-")));
    mkdirSync(join(root, ".vscode"));
    writeFileSync(join(root, ".vscode", "tasks.json"), "{}");
    symlinkSync(join(root, ".vscode"), join(root, "editor"));
    symlinkSync(join(root, ".vscode", "tasks.json"), join(root, "tasks-link.json"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("follows a link to the file, so a harmless name can't hide .vscode/tasks.json", async () => {
    const real = await realPathOf(join(root, "tasks-link.json"));
    assert.equal(real, join(root, ".vscode", "tasks.json"));
    assert.ok(protectedPath(real.slice(root.length + 1)));
  });

  it("judges a new file by its nearest existing folder's real path", async () => {
    const real = await realPathOf(join(root, "editor", "new", "launch.json"));
    assert.equal(real, join(root, ".vscode", "new", "launch.json"));
    assert.ok(protectedPath(real.slice(root.length + 1)));
  });
});
