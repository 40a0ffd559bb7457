/**
 * Explain and Fix as LSP code actions, with the bigram "fix" chat model whose every reply is `let x=1;`.
 */
import { strict as assert } from "node:assert";
import { type CodeAction, CodeActionRequest, CodeActionResolveRequest, type Diagnostic } from "vscode-languageserver-protocol";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import { FixProgressType, FixRequest } from "../../server/src/shared/protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

const URI = "file:///workspace/broken.ts";
const TEXT = 'const a = 1;\nlet x: number = "a";\nconsole.log(a, x);\n';
const diagnostic: Diagnostic = {
  range: { start: { line: 1, character: 4 }, end: { line: 1, character: 5 } },
  message: "Type 'string' is not assignable to type 'number'.",
  source: "ts",
};

describe("Explain and Fix code actions over LSP", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ chat: { model: bigramModelPath("qwen", "fix") }, local: { threads: 1 } });
    await client.open(URI, TEXT);
  });
  after(() => client.stop());

  async function actionsFor(range = diagnostic.range, diagnostics = [diagnostic]): Promise<CodeAction[]> {
    const result = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range,
      context: { diagnostics },
    });
    return (result ?? []) as CodeAction[];
  }

  it("lists Fix (quick fix) and Explain for a diagnostic, without running the model", async () => {
    const actions = await actionsFor();
    assert.deepEqual(
      actions.map((action) => [action.title, action.kind]),
      [
        ["Fix with Hearth", "quickfix"],
        ["Explain with Hearth", "quickfix"],
      ],
    );
    assert.equal(actions[0].edit, undefined, "the fix is computed only on resolve");
    assert.equal(actions[1].command?.command, "hearth.explain");
  });

  it("offers Explain and Fix… for a selection without diagnostics", async () => {
    const actions = await actionsFor({ start: { line: 0, character: 0 }, end: { line: 0, character: 12 } }, []);
    assert.deepEqual(
      actions.map((action) => [action.title, action.kind, action.command?.command]),
      [
        ["Explain with Hearth", "", "hearth.explain"],
        ["Fix with Hearth…", "refactor.rewrite", "hearth.fixWithInstruction"],
      ],
    );
  });

  it("resolves Fix into an exact, reviewable edit for the document version it was computed for", async () => {
    const [fix] = await actionsFor();
    const resolved = await client.connection.sendRequest(CodeActionResolveRequest.type, fix);
    const change = resolved.edit?.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    assert.deepEqual(change.textDocument, { uri: URI, version: 1 });
    assert.deepEqual(change.edits, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 20 } },
        newText: "let x=1;",
        annotationId: "hearth.fix",
      },
    ]);
    assert.equal(resolved.edit?.changeAnnotations?.["hearth.fix"].needsConfirmation, true);
  });

  it("fixes code in a notebook cell, the edit for that cell alone", async () => {
    const notebook = "file:///workspace/fix.ipynb";
    const cell = (id: string) => `vscode-notebook-cell:/workspace/fix.ipynb#${id}`;
    const cells = [
      { id: "F0", text: "import math" },
      { id: "F1", text: 'let x: number = "a";' },
    ];
    await client.openNotebook(
      notebook,
      cells.map((c) => ({ uri: cell(c.id), languageId: "typescript", text: c.text })),
    );
    const range = { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } };
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: cell("F1") },
      range,
      context: { diagnostics: [{ ...diagnostic, range }] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((action) => action.title),
      ["Fix with Hearth", "Explain with Hearth"],
    );
    const resolved = await client.connection.sendRequest(CodeActionResolveRequest.type, actions[0]);
    const change = resolved.edit?.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    assert.deepEqual(change.textDocument, { uri: cell("F1"), version: 1 });
    assert.deepEqual(
      change.edits.map((edit) => [edit.range, "newText" in edit ? edit.newText : undefined]),
      [[{ start: { line: 0, character: 0 }, end: { line: 0, character: 20 } }, "let x=1;"]],
    );
  });

  it("refuses a fix for a document that changed since", async () => {
    const [fix] = await actionsFor();
    await client.insert(URI, 0, 0, "// edited\n");
    await assert.rejects(
      client.connection.sendRequest(CodeActionResolveRequest.type, fix),
      (error: Error & { code?: number }) => {
        assert.equal(error.code, HearthErrorCodes.staleDocument);
        assert.match(error.message, /changed after the fix was asked for.*Run Fix again/);
        return true;
      },
    );
  });

  it("computes a fix with an instruction through hearth/fix/compute", async () => {
    const edit = await client.connection.sendRequest(FixRequest.type, {
      uri: URI,
      version: 2,
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } },
      instruction: "use a number",
    });
    const change = edit.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    assert.deepEqual(change.edits, [
      {
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 20 } },
        newText: "let x=1;",
        annotationId: "hearth.fix",
      },
    ]);
  });

  it("fits the fix to the code it replaces: its indentation, and a CRLF line left whole", async () => {
    const uri = "file:///workspace/indented.ts";
    await client.open(uri, 'function f() {\r\n    let x: number = "a";\r\n}\r\n');
    const edit = await client.connection.sendRequest(FixRequest.type, {
      uri,
      version: 1,
      range: { start: { line: 1, character: 8 }, end: { line: 1, character: 9 } },
    });
    const change = edit.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    // The model answers `let x=1;` without indentation; the line's "\r\n" stays outside the replaced range.
    assert.deepEqual(change.edits, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 24 } },
        newText: "    let x=1;",
        annotationId: "hearth.fix",
      },
    ]);
  });

  it("streams the fix so far as LSP partial results, each a prefix of the final edit", async () => {
    const uri = "file:///workspace/streamed.ts";
    await client.open(uri, 'function f() {\n  let x: number = "a";\n}\n');
    const partials: string[] = [];
    const token = "fix-progress-1";
    const listener = client.connection.onProgress(FixProgressType, token, (value) => {
      partials.push(value.replacement);
    });
    const edit = await client.connection.sendRequest(FixRequest.type, {
      uri,
      version: 1,
      range: { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } },
      partialResultToken: token,
    });
    listener.dispose();
    const change = edit.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    const first = change.edits[0];
    const final = "newText" in first ? first.newText : "";
    assert.equal(final, "  let x=1;");
    assert.ok(partials.length >= 3, `partial results: ${JSON.stringify(partials)}`);
    for (const [index, partial] of partials.entries()) {
      assert.ok(final.startsWith(partial), `${JSON.stringify(partial)} is a prefix of the fix`);
      if (index > 0) assert.ok(partial.length > partials[index - 1].length, "each partial result adds to the last");
    }
  });
  it("answers a streamed fix though the editor wrote it into the document meanwhile, naming the version it is for", async () => {
    // VS Code's in-editor review inserts the fix's lines as they stream, so the document's version moves on.
    const uri = "file:///workspace/reviewed.ts";
    await client.open(uri, 'let x: number = "a";\n');
    let wrote: Promise<void> | undefined;
    const listener = client.connection.onProgress(FixProgressType, "fix-progress-2", () => {
      wrote ??= client.insert(uri, 1, 0, "let x=1;\n");
    });
    const edit = await client.connection.sendRequest(FixRequest.type, {
      uri,
      version: 1,
      range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } },
      partialResultToken: "fix-progress-2",
    });
    listener.dispose();
    assert.ok(wrote, "the fix streamed");
    await wrote;
    const change = edit.documentChanges?.[0];
    assert.ok(change && "edits" in change);
    assert.deepEqual(change.textDocument, { uri, version: 1 });
  });
});
