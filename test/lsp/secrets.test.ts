/**
 * The server refuses secrets files for every input that names a file, whatever the client checked: a chat context
 * item (tried as another editor would send it) and a fix target. The model is never asked. A file is judged by the
 * name it is opened by and by where it really is: a link `notes.txt -> .env` is `.env` to every feature.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type CodeAction, CodeActionRequest, DidSaveTextDocumentNotification } from "vscode-languageserver-protocol";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import { FixRequest } from "../../server/src/shared/protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { SCALE_SOURCE } from "../fixtures/nextEditSources";
import { CHAT_ANSWER, MODELS, RecordingEngine } from "../fixtures/recordingEngine";
import { LspTestClient } from "./lspTestClient";

describe("secrets files refused by the server", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ chat: { model: bigramModelPath("qwen", "fix") }, local: { threads: 1 } });
  });
  after(async () => {
    await client?.stop();
  });

  const refused = (label: RegExp) => (error: Error & { code?: number }) => {
    assert.equal(error.code, HearthErrorCodes.secretsFile);
    assert.match(error.message, label);
    return true;
  };

  it("a chat context item that is a .env file, by URI or by label, and the model is never asked", async () => {
    const secret = { label: ".env", uri: "file:///w/.env", text: "API_TOKEN=hunter2" };
    await assert.rejects(
      client.chat("s1", [{ role: "user", content: "what is in it?" }], { context: [secret] }),
      refused(/\.env is a secrets file/),
    );
    const byLabel = { label: "config/secrets.json:1-3", text: '{"token": "hunter2"}' };
    await assert.rejects(
      client.chat("s2", [{ role: "user", content: "and this?" }], { context: [byLabel] }),
      refused(/secrets\.json/),
    );
    assert.ok(!client.logs.join("").includes("Loaded"), "no model was loaded for them");
    // Ordinary code still goes through.
    const code = { label: "src/app.ts", uri: "file:///w/src/app.ts", text: "let x = 1;" };
    const answer = await client.chat("s3", [{ role: "user", content: "fix it" }], { context: [code] });
    assert.equal(answer.answer, "let x=1;");
  });

  it("a fix for a secrets file", async () => {
    await client.open("file:///w/config/secrets.json", '{"token": "hunter2"}\n');
    await assert.rejects(
      client.connection.sendRequest(FixRequest.type, {
        uri: "file:///w/config/secrets.json",
        version: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
        instruction: "tidy",
      }),
      refused(/secrets file/),
    );
  });
});

describe("secrets files judged by where they really are, and by hearth.privacy.excludedFiles", function () {
  this.timeout(60_000);
  const SECRET = "sk-live-linked-0001";
  let root: string;
  let engine: RecordingEngine;
  let client: LspTestClient;
  const uri = (relativePath: string) => pathToFileURL(join(root, relativePath)).toString();

  before(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-secret-links-")));
    mkdirSync(join(root, "secrets"));
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, ".env"), `API_KEY=${SECRET}\n`);
    writeFileSync(join(root, "secrets", "db.txt"), `password=${SECRET}\n`);
    symlinkSync(".env", join(root, "notes.txt"));
    symlinkSync("secrets/db.txt", join(root, "shelf.txt"));
    symlinkSync(".env", join(root, "memo.txt"));
    // Dangling when the document is opened; the target appears later (a checkout, a script).
    symlinkSync(".env.later", join(root, "later.txt"));
    engine = new RecordingEngine();
    const url = await engine.listen();
    client = await LspTestClient.start(
      {
        engine: "remote",
        remote: {
          url,
          api: "openai",
          completionModel: MODELS.completion,
          chatModel: MODELS.chat,
          nextEditModel: MODELS.nextEdit,
        },
        completion: { crossFileContext: true },
        privacy: { excludedFiles: ["*.secret.json", "config/prod.yml"] },
      },
      "pull",
      pathToFileURL(root).toString(),
    );
    await client.waitForStatus((status) => status.role === "completion" && status.state === "ready");
  });
  after(async () => {
    await client?.stop();
    engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const refused = (error: Error & { code?: number }) => {
    assert.equal(error.code, HearthErrorCodes.secretsFile, error.message);
    return true;
  };

  async function codeActions(documentUri: string): Promise<CodeAction[]> {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
    const diagnostics = [{ range, message: "Unexpected token." }];
    return ((await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: documentUri },
      range,
      context: { diagnostics },
    })) ?? []) as CodeAction[];
  }

  /** No completion, no next edit, no code action, no fix: checked against an ordinary file that gets all four. */
  async function assertNothingFor(documentUri: string, line: number, character: number): Promise<void> {
    assert.equal(await client.complete(documentUri, line, character, { explicit: true }), null, documentUri);
    assert.deepEqual((await client.inlineEdits(documentUri, line, character)).edits, [], documentUri);
    assert.deepEqual(await codeActions(documentUri), [], documentUri);
    await assert.rejects(
      client.connection.sendRequest(FixRequest.type, {
        uri: documentUri,
        version: client.version(documentUri),
        range: { start: { line, character: 0 }, end: { line, character } },
        instruction: "tidy",
      }),
      refused,
    );
  }

  it("a link to .env, a link into secrets/ and a dangling link to a .env created later get nothing", async () => {
    const ordinary = uri("src/ordinary.ts");
    await client.open(ordinary, "const total = 1;\nconst more = ");
    assert.ok(await client.completionText(ordinary, 1, 13, { explicit: true }), "an ordinary file is completed");
    assert.equal((await codeActions(ordinary)).length, 2, "and gets its code actions");

    await client.open(uri("notes.txt"), `API_KEY=${SECRET}\n`, "plaintext");
    await assertNothingFor(uri("notes.txt"), 0, 10);
    await client.open(uri("shelf.txt"), `password=${SECRET}\n`, "plaintext");
    await assertNothingFor(uri("shelf.txt"), 0, 10);
    await client.open(uri("later.txt"), "", "plaintext");
    writeFileSync(join(root, ".env.later"), `LATER_KEY=${SECRET}\n`);
    await client.insert(uri("later.txt"), 0, 0, `LATER_KEY=${SECRET}\n`);
    await assertNothingFor(uri("later.txt"), 0, 10);
    assert.ok(!engine.saw(SECRET), "the secret never reached the model");
  });

  it("their edits are never next-edit history, and their chunks never cross-file context", async () => {
    const linked = uri("memo.txt");
    await client.open(linked, "API_KEY=value\n", "plaintext");
    await client.typeOver(linked, 0, 8, "value", "hunterTwo");
    // Saving settles the edit, which makes it history for the next prediction in any file.
    await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: linked } });
    await client.sendContext({
      uri: linked,
      path: "memo.txt",
      text: `export function addNumbers() { return "chunk-${SECRET}"; }`,
      startLine: 0,
    });
    await client.sendContext({
      uri: uri("lib/math.ts"),
      path: "lib/math.ts",
      text: "export function addNumbers(a: number, b: number) {\n  return a + b;\n}",
      startLine: 0,
    });
    const main = uri("src/main.ts");
    await client.open(main, "const total = addNumbers(1, 2);\n  ret\n");
    await client.completionText(main, 1, 5, { explicit: true });
    assert.match(engine.bodies.at(-1) ?? "", /lib\/math\.ts/, "an ordinary chunk is context");

    const scale = uri("src/scale.ts");
    await client.open(scale, SCALE_SOURCE);
    await client.typeOver(scale, 0, 15, "value", "amount");
    assert.equal((await client.inlineEdits(scale, 0, 21)).edits.length, 3, "an ordinary file gets its next edits");
    assert.ok(!engine.saw("hunterTwo"), "no edit of the linked .env is history");
    assert.ok(!engine.saw(SECRET), "no chunk of the linked .env is context");
  });

  it("chat context naming them is refused, by URI or by a bare label", async () => {
    for (const item of [
      { label: "notes.txt", uri: uri("notes.txt"), text: `API_KEY=${SECRET}` },
      { label: "shelf.txt", uri: uri("shelf.txt"), text: `password=${SECRET}` },
      { label: "later.txt", uri: uri("later.txt"), text: `LATER_KEY=${SECRET}` },
      // Explain sends a label and the code, no URI: the label is looked up in the workspace folder.
      { label: "notes.txt:1-1", text: `API_KEY=${SECRET}` },
    ]) {
      await assert.rejects(
        client.chat(`link-${item.label}`, [{ role: "user", content: "explain" }], { context: [item] }),
        refused,
      );
    }
    const code = { label: "src/main.ts", uri: uri("src/main.ts"), text: "const total = addNumbers(1, 2);" };
    assert.equal((await client.chat("link-ok", [{ role: "user", content: "explain" }], { context: [code] })).answer, CHAT_ANSWER);
    assert.ok(!engine.saw(SECRET), "the secret never reached the model");
  });

  it("a link to .git/config (a remote URL with a token) gets nothing, and chat context naming it is refused", async () => {
    const GIT_TOKEN = "ghp_linkedGitConfigToken0003";
    const gitConfig = `[remote "origin"]\n\turl = https://user:${GIT_TOKEN}@github.com/o/r.git\n`;
    mkdirSync(join(root, ".git", "modules", "lib"), { recursive: true });
    writeFileSync(join(root, ".git", "config"), gitConfig);
    writeFileSync(join(root, ".git", "modules", "lib", "config"), gitConfig);
    symlinkSync(".git/config", join(root, "remote.txt"));
    symlinkSync(".git/modules/lib/config", join(root, "submodule.txt"));
    for (const path of ["remote.txt", "submodule.txt"]) {
      await client.open(uri(path), gitConfig, "plaintext");
      await assertNothingFor(uri(path), 1, 12);
      for (const item of [
        { label: path, uri: uri(path), text: gitConfig },
        { label: `${path}:1-2`, text: gitConfig },
      ])
        await assert.rejects(
          client.chat(`git-config-${item.label}`, [{ role: "user", content: "explain" }], { context: [item] }),
          refused,
        );
    }
    assert.ok(!engine.saw(GIT_TOKEN), "the remote's token never reached the model");
  });

  it("a chunk of a link to a git-ignored file (readme2.md -> private/diary.md) is never cross-file context", async () => {
    const DIARY = "diary-entry-0004";
    mkdirSync(join(root, ".git"), { recursive: true });
    mkdirSync(join(root, "private"));
    writeFileSync(join(root, ".gitignore"), "private/\n");
    writeFileSync(join(root, "private", "diary.md"), `${DIARY}\n`);
    symlinkSync("private/diary.md", join(root, "readme2.md"));
    // Sent as another editor would, which checks no ignore rules: the server judges where the file really is.
    await client.sendContext({
      uri: uri("readme2.md"),
      path: "readme2.md",
      text: `export function addNumbers() { return "${DIARY}"; }`,
      startLine: 0,
    });
    await client.sendContext({
      uri: uri("lib/sum.ts"),
      path: "lib/sum.ts",
      text: "export function addNumbers(a: number, b: number) {\n  return a + b;\n}",
      startLine: 0,
    });
    const main = uri("src/ignored-main.ts");
    await client.open(main, "const total = addNumbers(1, 2);\n  ret\n");
    await client.completionText(main, 1, 5, { explicit: true });
    assert.match(engine.bodies.at(-1) ?? "", /lib\/sum\.ts/, "an ordinary chunk is context");
    assert.ok(!engine.saw(DIARY), "the ignored file's chunk never reached the model");
  });

  it("matches a bare or a nested hearth.privacy.excludedFiles pattern relative to the workspace folder", async () => {
    const TOKEN = "excluded-token-0002";
    for (const path of ["config/db.secret.json", "deep/down/db.secret.json", "config/prod.yml"]) {
      const documentUri = uri(path);
      await client.open(documentUri, `token: ${TOKEN}\n`, "yaml");
      await assertNothingFor(documentUri, 0, 8);
      await assert.rejects(
        client.chat(`excluded-${path}`, [{ role: "user", content: "explain" }], {
          context: [{ label: path, uri: documentUri, text: TOKEN }],
        }),
        refused,
      );
      await client.sendContext({ uri: documentUri, path, text: `const total = addNumbers("${TOKEN}");`, startLine: 0 });
    }
    // Anchored at the folder: the same name deeper down is an ordinary file.
    const elsewhere = uri("packages/a/config/prod.yml");
    await client.open(elsewhere, "replicas: ");
    assert.ok(await client.completionText(elsewhere, 0, 10, { explicit: true }), "config/prod.yml is anchored at the folder");
    await client.completionText(uri("src/main.ts"), 1, 5, { explicit: true });
    assert.ok(!engine.saw(TOKEN), "no excluded file reached the model");
  });
});
