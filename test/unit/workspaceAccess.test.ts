/**
 * WorkspaceAccess on a real folder, tried as a hostile repository would: links that lead into `.git`, at ignored or
 * secret files, dangling links into `.git/hooks`, links in the middle of a path, `.GIT` in another case, and rules
 * from the repository root above a monorepo package. Each must be refused where the real place would be.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Access, WorkspaceAccess } from "../../server/src/agent/workspaceAccess";

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe("workspace access: links and names that lead where the agent's tools must not go", () => {
  let root: string;
  let folder: string;
  let access: WorkspaceAccess;
  const refusal = async (path: string, purpose: Access = "read") => {
    const resolved = await access.resolve(path, purpose);
    return resolved.ok ? undefined : resolved.reason;
  };

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-access-")));
    folder = join(root, "ws");
    write(folder, {
      ".git/config": '[remote "origin"]\n\turl = https://user:token@example.com/r.git\n',
      ".git/HEAD": "ref: refs/heads/main\n",
      ".gitignore": "build/\n*.local\n",
      ".env": "API_KEY=1\n",
      "build/out.js": "x\n",
      "notes.local": "x\n",
      "src/main.ts": "export {};\n",
      "node_modules/pkg/index.js": "x\n",
    });
    mkdirSync(join(folder, ".git", "hooks"));
    access = new WorkspaceAccess(
      () => [folder],
      () => [],
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("refuses a link into .git, for reading and writing, and names where it leads", async () => {
    symlinkSync(".git/config", join(folder, "gitcfg"));
    symlinkSync(".git/config", join(folder, "AGENTS.md"));
    assert.match((await refusal("gitcfg")) ?? "", /^gitcfg \(a link to \.git\/config\) is inside \.git\/, which is not read\.$/);
    assert.match((await refusal("gitcfg", "write")) ?? "", /inside \.git\//);
    assert.match((await refusal("AGENTS.md")) ?? "", /inside \.git\//);
  });

  it("refuses a link to a folder inside .git or node_modules, and what is under it", async () => {
    symlinkSync(".git", join(folder, "meta"));
    symlinkSync("node_modules/pkg", join(folder, "pkg"));
    assert.ok(await refusal("meta/config"));
    assert.ok(await refusal("meta/hooks/pre-commit", "write"));
    assert.ok(await refusal("pkg/index.js"));
  });

  it("refuses a link to an ignored file or into an ignored folder, judged relative to the real folder", async () => {
    symlinkSync("../notes.local", join(folder, "src", "notes.txt"));
    symlinkSync("build", join(folder, "output"));
    assert.match((await refusal("src/notes.txt")) ?? "", /a link to notes\.local\) is ignored by \.gitignore/);
    assert.match((await refusal("output/out.js")) ?? "", /ignored by \.gitignore/);
    assert.match((await refusal("output")) ?? "", /ignored by \.gitignore/, "the link to an ignored folder itself");
  });

  it("refuses a link to a secrets file", async () => {
    symlinkSync(".env", join(folder, "config.txt"));
    assert.match((await refusal("config.txt")) ?? "", /a link to \.env\) is a secrets file/);
  });

  it("judges a dangling link by its target: no hook or secrets file is created through one", async () => {
    symlinkSync(".git/hooks/pre-commit", join(folder, "hook"));
    symlinkSync("src/../.git/hooks/post-checkout", join(folder, "hook2"));
    symlinkSync(".env.production", join(folder, "settings.txt"));
    symlinkSync("missing/../../outside.txt", join(folder, "away"));
    assert.match((await refusal("hook", "write")) ?? "", /a link to \.git\/hooks\/pre-commit\) is inside \.git\//);
    assert.match((await refusal("hook")) ?? "", /inside \.git\//);
    assert.match((await refusal("hook2", "write")) ?? "", /inside \.git\//);
    assert.match((await refusal("settings.txt", "write")) ?? "", /secrets file/);
    assert.match((await refusal("away", "write")) ?? "", /outside the workspace/);
  });

  it("follows a chain of links, and refuses a loop", async () => {
    symlinkSync(".git/config", join(folder, "one"));
    symlinkSync("one", join(folder, "two"));
    symlinkSync("loop-b", join(folder, "loop-a"));
    symlinkSync("loop-a", join(folder, "loop-b"));
    assert.match((await refusal("two")) ?? "", /inside \.git\//);
    assert.match((await refusal("loop-a")) ?? "", /chain of links/);
  });

  it("follows a link through a linked folder the way the system does (.. after a link is the target's parent)", async () => {
    mkdirSync(join(folder, "src", "deep"));
    // hooks/.. is .git physically, and would be src/ if `..` were taken off the name; the target does not exist yet.
    symlinkSync("../.git/hooks", join(folder, "src", "h"));
    symlinkSync("h/../post-merge-hook", join(folder, "src", "c"));
    assert.match((await refusal("src/c", "write")) ?? "", /a link to \.git\/post-merge-hook\) is inside \.git\//);
  });

  it("writes through no link at all, even one that stays inside; reads through one that passes every check", async () => {
    symlinkSync("src", join(folder, "linkdir"));
    symlinkSync("src/main.ts", join(folder, "main-link.ts"));
    assert.equal(await refusal("linkdir/main.ts"), undefined, "a read through an inner link keeps working");
    assert.equal(await refusal("main-link.ts"), undefined);
    assert.match(
      (await refusal("linkdir/main.ts", "write")) ?? "",
      /^linkdir\/main\.ts goes through the symbolic link linkdir, and files are never written through a link; write to src\/main\.ts instead\.$/,
    );
    assert.match((await refusal("linkdir/new.ts", "write")) ?? "", /symbolic link linkdir/);
    assert.match((await refusal("main-link.ts", "write")) ?? "", /symbolic link main-link\.ts/);
    assert.equal(await refusal("src/main.ts", "write"), undefined);
    assert.equal(await refusal("src/new/deeper.ts", "write"), undefined, "a file in folders not created yet");
  });

  it("writes into a workspace folder that is itself a link (its real path is the folder)", async () => {
    const linked = join(root, "ws-link");
    symlinkSync(folder, linked);
    const viaLink = new WorkspaceAccess(
      () => [linked],
      () => [],
    );
    const resolved = await viaLink.resolve("src/main.ts", "write");
    assert.ok(resolved.ok && resolved.path === join(linked, "src", "main.ts"), JSON.stringify(resolved));
    assert.equal((await viaLink.resolve("build/out.js")).ok, false);
  });

  it("refuses .GIT and NODE_MODULES in another case (what a case-insensitive file system resolves as .git)", async () => {
    write(folder, { ".GIT/config": "[core]\n", "NODE_MODULES/x.js": "x\n" });
    assert.match((await refusal(".GIT/config")) ?? "", /inside \.git\//);
    assert.match((await refusal(".Git/hooks/pre-commit", "write")) ?? "", /inside \.git\//);
    assert.match((await refusal("Node_Modules/pkg/index.js")) ?? "", /inside node_modules\//);
    symlinkSync(".GIT/config", join(folder, "cfg"));
    assert.match((await refusal("cfg")) ?? "", /inside \.git\//);
  });

  it("walks past .git and node_modules in any case, links and ignored files", async () => {
    write(folder, { ".GIT/config": "x", "NODE_MODULES/x.js": "x", "Node_Modules/y.js": "x" });
    symlinkSync(".git/config", join(folder, "gitcfg"));
    const walked = await access.walk({ folder, relative: "" }, 100);
    assert.deepEqual(walked.files.sort(), [".gitignore", "src/main.ts"]);
  });

  it("takes ignore rules from the repository root above a monorepo package (.gitignore and info/exclude)", async () => {
    const repo = join(root, "repo");
    write(repo, {
      ".git/HEAD": "ref: refs/heads/main\n",
      ".git/info/exclude": "private/\n",
      ".gitignore": "*.local.json\n",
      "packages/app/config.local.json": "{}",
      "packages/app/private/token.txt": "x",
      "packages/app/src/index.ts": "x",
    });
    const app = join(repo, "packages", "app");
    const monorepo = new WorkspaceAccess(
      () => [app],
      () => [],
    );
    for (const path of ["config.local.json", "private/token.txt"]) {
      const resolved = await monorepo.resolve(path);
      assert.ok(!resolved.ok && /ignored by \.gitignore/.test(resolved.reason), path);
    }
    assert.equal((await monorepo.resolve("src/index.ts")).ok, true);
    assert.deepEqual((await monorepo.walk({ folder: app, relative: "" }, 100)).files, ["src/index.ts"]);
    // Opened through a link, the package's repository is the one its real place is in.
    const linked = join(root, "app-link");
    symlinkSync(app, linked);
    const viaLink = new WorkspaceAccess(
      () => [linked],
      () => [],
    );
    assert.equal((await viaLink.resolve("config.local.json")).ok, false);
    assert.deepEqual((await viaLink.walk({ folder: linked, relative: "" }, 100)).files, ["src/index.ts"]);
  });
});
