/**
 * Which other files a next edit may be due in (core/nextEdit/crossFileTargets.ts): definitions renamed or whose
 * parameter count changed, most recent edit first (not a renamed parameter or local); the documents that use one as
 * a whole word, in the caller's order, at most the limit, each at its first use.
 */
import { strict as assert } from "node:assert";
import { CROSS_FILE_LIMIT, changedSymbols, crossFileTargets } from "../../server/src/core/nextEdit/crossFileTargets";

describe("cross-file next-edit targets", () => {
  it("follows the old name of a renamed definition", () => {
    assert.deepEqual(
      changedSymbols([
        { before: ["export function scale(value: number) {"], after: ["export function resize(value: number) {"] },
      ]),
      ["scale"],
    );
  });

  it("follows a definition whose parameter count changed, most recent edit first", () => {
    const edits = [
      { before: ["export const total = sum(items);"], after: ["export const amount = sum(items);"] },
      { before: ["def area(width, height):"], after: ["def area(width, height, depth):"] },
      { before: ["  const add = (a, b) => a + b;"], after: ["  const add = (a) => a + 1;"] },
    ];
    assert.deepEqual(changedSymbols(edits), ["add", "area", "total"]);
  });

  it("leaves renamed parameters and locals, edited bodies, keywords and short names to this file", () => {
    const edits = [
      {
        before: ["function scale(value: number, factor: number) {"],
        after: ["function scale(amount: number, factor: number) {"],
      },
      { before: ["  const doubled = value * 2;"], after: ["  const twice = value * 2;"] },
      { before: ["  return doubled;"], after: ["  return doubled + 1;"] },
      { before: ["def go(x):"], after: ["def go(x, y):"] },
    ];
    assert.deepEqual(changedSymbols(edits), []);
  });

  it("finds the documents that use a symbol as a whole word and don't define it, each at its first use, in order, at most the limit", () => {
    const documents = [
      { uri: "file:///a.ts", text: "const rescale = 1;\n" }, // a longer name is not a use
      { uri: "file:///b.ts", text: 'import { scale } from "./scale";\n\nexport const doubled = scale(21);\n' },
      { uri: "file:///c.ts", text: "// nothing here\nconst $scale = 2;\nscale(3);\n" },
      { uri: "file:///own.ts", text: "function scale(x: number) {}\nscale(1);\n" }, // its own scale
      ...Array.from({ length: 5 }, (_, index) => ({ uri: `file:///more${index}.ts`, text: "scale();\n" })),
    ];
    const targets = crossFileTargets(["scale"], documents);
    assert.deepEqual(
      targets.slice(0, 2).map((target) => [target.uri, target.line]),
      [
        ["file:///b.ts", 0],
        ["file:///c.ts", 2],
      ],
    );
    assert.equal(targets.length, CROSS_FILE_LIMIT);
    assert.deepEqual(crossFileTargets([], documents), []);
  });
});
