/**
 * Next edits across files through the real server, against the scripted next-edit engine on 127.0.0.1: a rename
 * in one file yields the edits in the other open files that use it (and nothing in others), and in files the user
 * viewed and closed (read from disk, for a client that takes them), predicted ahead while this file's last edits are
 * on screen, and never for a file that changed meanwhile or has become a link to a secret.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ScriptedNextEditEngine } from "../fixtures/scriptedNextEditEngine";
import { LspTestClient, until } from "./lspTestClient";

describe("next edits across files (scripted engine on 127.0.0.1)", function () {
  this.timeout(30_000);
  let engine: ScriptedNextEditEngine;
  let client: LspTestClient;

  before(async () => {
    engine = new ScriptedNextEditEngine();
    const url = await engine.listen();
    client = await LspTestClient.start({
      engine: "remote",
      remote: { url, api: "openai", nextEditModel: "sweep-next-edit-1.5b" },
      completion: { enabled: false },
    });
  });
  after(async () => {
    await client.stop();
    engine.close();
  });
  beforeEach(() => {
    engine.lineDelayMs = 0;
  });

  it("a rename in one file yields the edits in another open file that uses it, and nothing else", async () => {
    const renamedIn = "file:///workspace/src/resize.ts";
    const user = "file:///workspace/src/report.ts";
    const unrelated = "file:///workspace/src/unrelated.ts";
    await client.open(renamedIn, "export function scaleBy(value: number) {\n  return value * 2;\n}\n");
    await client.open(user, 'import { scaleBy } from "./resize";\n\nexport const doubled = scaleBy(21);\n');
    await client.open(unrelated, "export const other = 1;\n");
    await client.typeOver(renamedIn, 0, 16, "scaleBy", "resizeBy");
    const from = engine.seen.length;
    const { edits } = await client.inlineEdits(renamedIn, 0, 24);
    // Minimal edits: `scal` → `resiz`, the `eBy` kept.
    const at = (line: number, character: number) => ({
      range: { start: { line, character }, end: { line, character: character + 4 } },
      text: "resiz",
      textDocument: { uri: user, version: client.version(user) },
    });
    assert.deepEqual(edits, [at(0, 9), at(2, 23)]);
    const prompts = engine.seen.slice(from).map((seen) => seen.prompt);
    // The other file's prompt has the rename as history, done.
    const other = prompts.find((prompt) => prompt.includes("current/src/report.ts")) ?? "";
    assert.match(
      other,
      /src\/resize\.ts\.diff\noriginal:\nexport function scaleBy\(value: number\) \{\nupdated:\nexport function resizeBy/,
    );
    assert.ok(
      !prompts.some((prompt) => prompt.includes("current/src/unrelated.ts")),
      "a file that doesn't use it isn't asked about",
    );
  });

  it("predicts the other files' edits while this file's last ones are on screen, so the request after Tab has them", async () => {
    const renamedIn = "file:///workspace/src/volume.ts";
    const user = "file:///workspace/src/tank.ts";
    await client.open(
      renamedIn,
      "export function volume(side: number) {\n  return side ** 3;\n}\nexport const unit = volume(1);\n",
    );
    await client.open(user, 'import { volume } from "./volume";\n\nexport const tank = volume(2);\n');
    await client.typeOver(renamedIn, 0, 16, "volume", "capacity");
    const here = await client.inlineEdits(renamedIn, 0, 24);
    assert.deepEqual(
      here.edits.map((edit) => edit.textDocument.uri),
      [renamedIn],
      "first the use in this file",
    );
    // While it is on screen: its acceptance is speculated (nothing more here), then tank.ts is predicted.
    const asked = () => engine.seen.filter((seen) => seen.prompt.includes("current/src/tank.ts")).length;
    await until(async () => asked() === 1, 20_000);
    const [edit] = here.edits;
    await client.replace(renamedIn, edit.range.start.line, edit.range.start.character, edit.range.end.character, edit.text);
    const after = await client.inlineEdits(renamedIn, edit.range.start.line, edit.range.start.character + edit.text.length);
    assert.deepEqual(
      after.edits.map((other) => [other.textDocument.uri, other.range.start.line]),
      [
        [user, 0],
        [user, 2],
      ],
    );
    assert.equal(asked(), 1, "the request after the last Tab used the speculated prediction");
  });

  it("drops another file's edits when that file changes while they are predicted", async () => {
    const renamedIn = "file:///workspace/src/area.ts";
    const user = "file:///workspace/src/floor.ts";
    await client.open(renamedIn, "export function area(width: number) {\n  return width * width;\n}\n");
    await client.open(user, 'import { area } from "./area";\n\nexport const floor = area(3);\n');
    await client.typeOver(renamedIn, 0, 16, "area", "surface");
    engine.lineDelayMs = 150;
    const pending = client.inlineEdits(renamedIn, 0, 23);
    await until(async () => engine.seen.some((seen) => seen.prompt.includes("current/src/floor.ts")), 20_000);
    await client.insert(user, 1, 0, "// ");
    assert.deepEqual((await pending).edits, []);
  });
});

describe("next edits in files viewed and closed (scripted engine on 127.0.0.1, a workspace on disk)", function () {
  this.timeout(30_000);
  let engine: ScriptedNextEditEngine;
  let client: LspTestClient;
  let scratch: string;
  let workspace: string;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "hearth-cross-file-"));
    workspace = join(scratch, "workspace");
    mkdirSync(join(workspace, "src"), { recursive: true });
    engine = new ScriptedNextEditEngine();
    const url = await engine.listen();
    client = await LspTestClient.start(
      { engine: "remote", remote: { url, api: "openai", nextEditModel: "sweep-next-edit-1.5b" }, completion: { enabled: false } },
      "pull",
      pathToFileURL(workspace).href,
    );
  });
  after(async () => {
    await client.stop();
    engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A file on disk the client forwarded lines of (viewed), not open. */
  async function viewed(path: string, text: string): Promise<string> {
    writeFileSync(path, text);
    const uri = pathToFileURL(path).href;
    await client.sendContext({ uri, path: basename(path), text, startLine: 0 });
    return uri;
  }

  it("a file the user viewed and closed gets its edits, read from disk, with its text's hash, for a client that takes them", async () => {
    const renamedIn = pathToFileURL(join(workspace, "src", "length.ts")).href;
    const usage = 'import { lengthOf } from "./length";\n\nexport const ruler = lengthOf("abc");\n';
    const viewedUri = await viewed(join(workspace, "src", "ruler.ts"), usage);
    // Files that use the name too, but aren't predicted in: one outside the workspace, and one whose edits would
    // change what runs (a linter loads it as code).
    await viewed(join(scratch, "outside.ts"), "export const outside = lengthOf('x');\n");
    await viewed(join(workspace, "eslint.config.js"), "export default [lengthOf('x')];\n");
    await client.open(renamedIn, "export function lengthOf(text: string) {\n  return text.length;\n}\n");
    await client.typeOver(renamedIn, 0, 16, "lengthOf", "sizeOf");
    assert.deepEqual((await client.inlineEdits(renamedIn, 0, 22)).edits, [], "a client that didn't say it takes them gets none");
    const from = engine.seen.length;
    const { edits } = await client.inlineEdits(renamedIn, 0, 22, client.version(renamedIn), { unopenedFiles: true });
    const at = (line: number, character: number) => ({
      // Minimal edits: `length` → `size`, the `Of` kept.
      range: { start: { line, character }, end: { line, character: character + 6 } },
      text: "size",
      textDocument: { uri: viewedUri, version: 0 },
      textSha256: createHash("sha256").update(usage).digest("hex"),
    });
    assert.deepEqual(edits, [at(0, 9), at(2, 21)]);
    const asked = engine.seen.slice(from).map((seen) => seen.prompt);
    assert.ok(
      !asked.some((prompt) => /current\/(outside\.ts|eslint\.config\.js)/.test(prompt)),
      "neither other file is asked about",
    );
  });

  it("never reads a viewed file that has become a link to a secrets file", async () => {
    const renamedIn = pathToFileURL(join(workspace, "src", "width.ts")).href;
    const path = join(workspace, "src", "panel.ts");
    await viewed(path, 'import { widthOf } from "./width";\n\nexport const panel = widthOf(2);\n');
    await client.open(renamedIn, "export function widthOf(box: number) {\n  return box;\n}\n");
    // A request waits for the context that arrived to be judged: the chunk is kept, a plain file when viewed.
    await client.inlineEdits(renamedIn, 0, 0);
    // Then the file is pointed at a secrets file that uses the name too.
    writeFileSync(join(workspace, ".env"), "TOKEN=s3cr3t-value widthOf(1)\n");
    rmSync(path);
    symlinkSync(join(workspace, ".env"), path);
    await client.typeOver(renamedIn, 0, 16, "widthOf", "spanOf");
    const from = engine.seen.length;
    const { edits } = await client.inlineEdits(renamedIn, 0, 22, client.version(renamedIn), { unopenedFiles: true });
    assert.deepEqual(edits, []);
    assert.ok(!engine.seen.slice(from).some((seen) => seen.prompt.includes("s3cr3t")), "the secret reached no prompt");
  });
});
