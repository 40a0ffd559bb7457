import { strict as assert } from "node:assert";
import { enclosingBlock } from "../../client/src/actions/enclosingBlock";

describe("enclosing block (Explain/Fix with no selection)", () => {
  const ts = ["import x;", "", "function f(a) {", "  if (a) {", "    g();", "  }", "  return a;", "}", "", "const z = 1;"];

  it("takes the inner block with its header and closing brace", () => {
    assert.deepEqual(enclosingBlock(ts, 4), { start: 3, end: 5 });
  });
  it("takes a function body with its signature and closing brace", () => {
    assert.deepEqual(enclosingBlock(ts, 6), { start: 2, end: 7 });
  });
  it("takes a top-level declaration through its closing line", () => {
    assert.deepEqual(enclosingBlock(ts, 2), { start: 2, end: 7 });
    assert.deepEqual(enclosingBlock(ts, 9), { start: 9, end: 9 });
  });
  it("works for indentation languages", () => {
    const py = ["def f(a):", "    if a:", "        g()", "    return a", "", "x = 1"];
    assert.deepEqual(enclosingBlock(py, 2), { start: 1, end: 2 });
    assert.deepEqual(enclosingBlock(py, 3), { start: 0, end: 3 });
  });
  it("skips to the next code line from a blank line", () => {
    assert.deepEqual(enclosingBlock(ts, 8), { start: 9, end: 9 });
  });
});
