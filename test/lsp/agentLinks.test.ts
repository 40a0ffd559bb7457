/**
 * Links and names that lead where the agent's tools must not go, through the real language server and a scripted
 * engine, tried as a hostile repository would ship them: a link to `.git/config` (its token must never reach the
 * model, as a tool result or as a rules file in the system prompt), an edit through a linked folder, a dangling link
 * into `.git/hooks`, `.GIT` in another case, and a monorepo package whose repository root ignores files.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AgentRunRequest, ProposeEditRequest } from "../../server/src/shared/agentProtocol";
import { type ScriptedReply, type ScriptedRequest, ScriptedToolEngine, toolResultsIn } from "../fixtures/scriptedToolEngine";
import { call, harness, MATH } from "./agentHarness";
import { LspTestClient } from "./lspTestClient";

const TOKEN = "ghp_linkedTokenThatMustStayHome0123";
const GIT_CONFIG = `[remote "origin"]\n\turl = https://x-access-token:${TOKEN}@github.com/o/r.git\n`;

/** A script that makes these calls one after another, then answers. */
const calls =
  (...replies: ScriptedReply[]) =>
  (request: ScriptedRequest) =>
    replies[toolResultsIn(request)] ?? { content: "done" };

describe("agent mode: links and names that lead where the tools must not go", function () {
  this.timeout(30_000);

  it("a link to .git/config is refused as a file and as AGENTS.md; the token never reaches the model", async () => {
    const h = await harness(
      calls(
        call("read_file", { path: "gitcfg", startLine: null, endLine: null }),
        call("read_file", { path: "AGENTS.md", startLine: null, endLine: null }),
        call("edit_file", { path: "gitcfg", search: "[remote", replace: "[core]\n\tfsmonitor = touch pwned\n[remote" }),
        call("search_code", { query: "x-access-token" }),
      ),
    );
    mkdirSync(join(h.folder, ".git"));
    writeFileSync(join(h.folder, ".git", "config"), GIT_CONFIG);
    symlinkSync(".git/config", join(h.folder, "gitcfg"));
    rmSync(join(h.folder, "AGENTS.md"));
    symlinkSync(".git/config", join(h.folder, "AGENTS.md"));
    try {
      const result = await h.run("what is the remote?");
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /gitcfg \(a link to \.git\/config\) is inside \.git\/, which is not read/);
      assert.match(reasons[1], /AGENTS\.md \(a link to \.git\/config\) is inside \.git\//);
      assert.match(reasons[2], /inside \.git\//);
      assert.match(reasons[3], /Nothing in the workspace matches/);
      assert.deepEqual(result.rules, [], "the linked AGENTS.md is no rules file");
      assert.equal(h.proposals.length, 0);
      assert.equal(readFileSync(join(h.folder, ".git", "config"), "utf8"), GIT_CONFIG);
      for (const body of h.engine.bodies) assert.ok(!body.includes(TOKEN), "the remote's token reached the model");
    } finally {
      await h.stop();
    }
  });

  it("an edit through a linked folder is refused (even one inside the workspace), a read through it is not", async () => {
    const h = await harness(
      calls(
        call("read_file", { path: "linkdir/math.ts", startLine: null, endLine: null }),
        call("edit_file", { path: "linkdir/math.ts", search: "  return a - b;", replace: "  return a + b;" }),
        call("create_file", { path: "linkdir/new.ts", content: "x" }),
      ),
    );
    symlinkSync("src", join(h.folder, "linkdir"));
    try {
      const result = await h.run("fix add");
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /^linkdir\/math\.ts \(lines 1-4 of 4\)/);
      assert.match(
        reasons[1],
        /goes through the symbolic link linkdir, and files are never written through a link; write to src\/math\.ts instead/,
      );
      assert.match(reasons[2], /goes through the symbolic link linkdir/);
      assert.equal(h.proposals.length, 0);
      assert.equal(readFileSync(join(h.folder, "src", "math.ts"), "utf8"), MATH);
      assert.ok(!existsSync(join(h.folder, "src", "new.ts")));
    } finally {
      await h.stop();
    }
  });

  it("create_file through a dangling link into .git/hooks is refused, and no hook is created", async () => {
    const h = await harness(
      calls(
        call("create_file", { path: "hook", content: "#!/bin/sh\ntouch pwned\n" }),
        call("create_file", { path: "setup.sh", content: "#!/bin/sh\ntouch pwned\n" }),
      ),
    );
    mkdirSync(join(h.folder, ".git", "hooks"), { recursive: true });
    symlinkSync(".git/hooks/pre-commit", join(h.folder, "hook"));
    symlinkSync("src/../.git/hooks/post-checkout", join(h.folder, "setup.sh"));
    try {
      const result = await h.run("add a script");
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /hook \(a link to \.git\/hooks\/pre-commit\) is inside \.git\//);
      assert.match(reasons[1], /setup\.sh \(a link to \.git\/hooks\/post-checkout\) is inside \.git\//);
      assert.equal(h.proposals.length, 0);
      assert.ok(!existsSync(join(h.folder, ".git", "hooks", "pre-commit")));
      assert.ok(!existsSync(join(h.folder, ".git", "hooks", "post-checkout")));
    } finally {
      await h.stop();
    }
  });

  it(".GIT/config (what a case-insensitive file system opens as .git/config) is refused and never listed", async () => {
    const h = await harness(
      calls(
        call("read_file", { path: ".GIT/config", startLine: null, endLine: null }),
        call("edit_file", { path: ".Git/config", search: "[remote", replace: "[core]\n[remote" }),
        call("find_files", { glob: "**/config" }),
        call("list_directory", { path: "." }),
      ),
    );
    // On Linux a real folder named .GIT stands for what macOS or Windows would resolve to .git.
    mkdirSync(join(h.folder, ".GIT"));
    writeFileSync(join(h.folder, ".GIT", "config"), GIT_CONFIG);
    try {
      const result = await h.run("what is the remote?");
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /\.GIT\/config is inside \.git\/, which is not read/);
      assert.match(reasons[1], /\.Git\/config is inside \.git\//);
      assert.match(reasons[2], /No file matches/);
      assert.doesNotMatch(reasons[3], /\.GIT/);
      assert.equal(h.proposals.length, 0);
      for (const body of h.engine.bodies) assert.ok(!body.includes(TOKEN), "the remote's token reached the model");
    } finally {
      await h.stop();
    }
  });

  it("a monorepo package as the workspace folder gets the repository root's .gitignore and info/exclude", async () => {
    const repo = mkdtempSync(join(tmpdir(), "hearth-monorepo-"));
    const app = join(repo, "packages", "app");
    mkdirSync(join(repo, ".git", "info"), { recursive: true });
    mkdirSync(join(app, "private"), { recursive: true });
    writeFileSync(join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(repo, ".git", "info", "exclude"), "private/\n");
    writeFileSync(join(repo, ".gitignore"), "*.local.json\n");
    writeFileSync(join(app, "settings.local.json"), `{"token": "${TOKEN}"}\n`);
    writeFileSync(join(app, "private", "notes.txt"), `${TOKEN}\n`);
    writeFileSync(join(app, "index.ts"), "export const app = 1;\n");
    const engine = new ScriptedToolEngine(
      calls(
        call("read_file", { path: "settings.local.json", startLine: null, endLine: null }),
        call("read_file", { path: "private/notes.txt", startLine: null, endLine: null }),
        call("find_files", { glob: "**/*" }),
        call("search_code", { query: "ghp_linkedToken" }),
      ),
    );
    const url = await engine.listen();
    const client = await LspTestClient.start(
      { engine: "remote", remote: { url, api: "openai", chatModel: "chat" } },
      "pull",
      pathToFileURL(app).toString(),
    );
    client.connection.onRequest(ProposeEditRequest.type, () => ({ accepted: false }));
    try {
      const result = await client.connection.sendRequest(AgentRunRequest.type, {
        chatId: "m1",
        messages: [{ role: "user", content: "show me the settings" }],
        context: [],
        readOnly: false,
      });
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /settings\.local\.json is ignored by \.gitignore/);
      assert.match(reasons[1], /private\/notes\.txt is ignored by \.gitignore/);
      assert.equal(reasons[2], "index.ts");
      assert.match(reasons[3], /Nothing in the workspace matches/);
      for (const body of engine.bodies) assert.ok(!body.includes(TOKEN), "an ignored file reached the model");
    } finally {
      await client.stop();
      engine.close();
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
