/**
 * Completions in a Jupyter notebook's cells through the real server (bigram model, Qwen FIM family): the client
 * syncs the notebook (LSP 3.17 notebook sync, as VS Code's language client does for `jupyter-notebook`), and a
 * cell's prompt holds the cells above it as prefix and the cells below as suffix, markdown as comments, while the
 * answer lands at the cursor in the cell.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  DidChangeNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  NotebookCellKind,
} from "vscode-languageserver-protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

const NOTEBOOK = "file:///workspace/analysis.ipynb";
const cell = (id: string) => `vscode-notebook-cell:/workspace/analysis.ipynb#${id}`;

describe("completions in notebook cells (bigram model)", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });
  after(() => client.stop());

  it("reads the cells above as the prefix and the cells below as the suffix, markdown as comments", async () => {
    const cells = [
      { id: "W0", kind: NotebookCellKind.Markup, languageId: "markdown", text: "Sum the numbers." },
      { id: "W1", kind: NotebookCellKind.Code, languageId: "python", text: "xs = [1, 2, 3]" },
      { id: "W2", kind: NotebookCellKind.Code, languageId: "python", text: "def add(a, b):\n  ret" },
      { id: "W3", kind: NotebookCellKind.Code, languageId: "python", text: "print(add(*xs[:2]))" },
    ];
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri: NOTEBOOK,
        notebookType: "jupyter-notebook",
        version: 1,
        cells: cells.map((c) => ({ kind: c.kind, document: cell(c.id) })),
      },
      cellTextDocuments: cells.map((c) => ({ uri: cell(c.id), languageId: c.languageId, version: 1, text: c.text })),
    });
    await client.waitForStatus((s) => s.role === "completion" && s.state !== "idle");
    assert.equal(await client.completionText(cell("W2"), 1, 5), "urn a+b;", "the answer at the cell's cursor");
    const prompt = (await client.lastPrompt()) ?? "";
    // The cursor's block (here the whole notebook) comes after the middle token, as in a file (see fimPrompt).
    assert.equal(
      prompt,
      "<|fim_prefix|><|fim_suffix|>\n\nprint(add(*xs[:2]))<|fim_middle|># Sum the numbers.\n\nxs = [1, 2, 3]\n\ndef add(a, b):\n  ret",
      "the cells above (markdown as a comment), the cell to the cursor, the cell below as the suffix",
    );

    // A cell typed into: its new text is what the next prompt reads.
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: NOTEBOOK, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: cell("W1"), version: 2 },
              changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }, text: "numbers" }],
            },
          ],
        },
      },
    });
    await client.completionText(cell("W2"), 1, 5, { explicit: true });
    assert.match((await client.lastPrompt()) ?? "", /numbers = \[1, 2, 3\]\n\ndef add/);
  });

  it("gives nothing in a notebook that is a secrets file where it really is (a link named analysis.ipynb to one)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "hearth-notebook-"));
    mkdirSync(join(folder, "secrets"));
    writeFileSync(join(folder, "secrets", "keys.ipynb"), "{}");
    symlinkSync(join(folder, "secrets", "keys.ipynb"), join(folder, "analysis.ipynb"));
    const notebook = pathToFileURL(join(folder, "analysis.ipynb")).toString();
    const cellUri = `vscode-notebook-cell:${new URL(notebook).pathname}#W0`;
    try {
      await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
        notebookDocument: {
          uri: notebook,
          notebookType: "jupyter-notebook",
          version: 1,
          cells: [{ kind: NotebookCellKind.Code, document: cellUri }],
        },
        cellTextDocuments: [{ uri: cellUri, languageId: "python", version: 1, text: "def add(a, b):\n  ret" }],
      });
      assert.equal(await client.completionText(cellUri, 1, 5, { explicit: true }), undefined);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
