import { strict as assert } from "node:assert";
import { afterAccepting } from "../../server/src/completion/speculation";
import { cutDocumentWindow } from "../../server/src/core/documentWindow";

describe("speculation: the state after accepting a suggestion", () => {
  const budget = { prefixLines: 64, suffixLines: 16 };

  it("a one-line suggestion moves the cursor along the line", () => {
    const after = afterAccepting("function f() {\n  ret\n}\n", { line: 1, character: 5 }, "urn 1;");
    assert.deepEqual(after, { nearby: "function f() {\n  return 1;\n}\n", position: { line: 1, character: 11 } });
  });

  it("a multi-line suggestion ends the cursor on its last line, across CRLF lines", () => {
    const after = afterAccepting("a\r\nif (x) {\r\n}", { line: 1, character: 10 }, "\n  y();\n  z(");
    assert.equal(after.nearby, "a\r\nif (x) {\n  y();\n  z(\r\n}");
    assert.deepEqual(after.position, { line: 3, character: 4 });
  });

  it("gives the same window as the document after the real acceptance", () => {
    const before = "let a = 1;\n  ret\n}\n";
    const accepted = afterAccepting(before, { line: 1, character: 5 }, "urn a;");
    const real = cutDocumentWindow("let a = 1;\n  return a;\n}\n", { line: 1, character: 11 }, budget);
    assert.deepEqual(cutDocumentWindow(accepted.nearby, accepted.position, budget), real);
  });
});
