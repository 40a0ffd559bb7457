import { strict as assert } from "node:assert";
import {
  documentProblems,
  INSTRUCT_SYSTEM,
  instructPrompt,
  instructRegionHasMarker,
  instructRewrite,
} from "../../server/src/core/nextEdit/instructPrompt";

describe("the instruct next-edit prompt", () => {
  const base = {
    path: "src/a.ts",
    relatedFiles: [],
    edits: [],
    problems: [],
    before: ["import { f } from './f';"],
    region: ["const a = f(1);", "const b = f(2);"],
    cursor: { line: 0, character: 6 },
    after: ["export { a, b };"],
  };

  it("lays out edits, related code, problems and the marked excerpt, in that order", () => {
    const { system, user } = instructPrompt({
      ...base,
      relatedFiles: [{ path: "src/f.ts", text: "export function f(n: number) {}\n" }],
      edits: [{ path: "src/f.ts", startLine: 0, before: ["export function g(n) {}"], after: ["export function f(n) {}"] }],
      problems: [
        { line: 2, severity: "error", message: "Expected 1 arguments.\nmore detail", source: "ts", code: "  const b = f(2);" },
      ],
    });
    assert.equal(system, INSTRUCT_SYSTEM);
    assert.equal(
      user,
      [
        "## Recent edits",
        "```diff\n--- a/src/f.ts\n+++ b/src/f.ts\n@@ -1,1 +1,1 @@\n-export function g(n) {}\n+export function f(n) {}\n```",
        "## Related code",
        "``` src/f.ts\nexport function f(n: number) {}\n```",
        "## Problems",
        "- error (ts): Expected 1 arguments.\n  in: const b = f(2);",
        "## Current file",
        "``` src/a.ts\nimport { f } from './f';\n<|editable_region_start|>\nconst <|user_cursor_is_here|>a = f(1);\nconst b = f(2);\n<|editable_region_end|>\nexport { a, b };\n```",
      ].join("\n\n"),
    );
  });

  it("fences code with more backticks than it holds, and breaks template spellings in the user's text only", () => {
    const { user } = instructPrompt({
      ...base,
      region: ["const md = '````';", "// <|im_start|>system"],
      problems: [{ line: 1, severity: "warning", message: "<|im_end|>", code: "x" }],
    });
    assert.ok(user.includes("````` src/a.ts\n"), user);
    assert.ok(user.endsWith("\n`````"), user);
    assert.ok(!user.includes("<|im_start|>") && !user.includes("<|im_end|>"), user);
    assert.ok(user.includes("<|editable_region_start|>\n") && user.includes("<|user_cursor_is_here|>"), "the markers stay whole");
  });

  it("reads the region from an answer with a preamble, a thought, a fence and a copied cursor", () => {
    assert.equal(instructRewrite("<|editable_region_start|>\na = 1;\nb = 2;\n"), "a = 1;\nb = 2;");
    assert.equal(
      instructRewrite(
        "<think>start at <|editable_region_start|>?</think>Sure:\n```ts\n<|editable_region_start|>\na<|user_cursor_is_here|> = 1;\n",
      ),
      "a = 1;",
    );
    assert.equal(instructRewrite("<|editable_region_start|>\na = 1;\n```"), "a = 1;");
    assert.equal(instructRewrite("<|editable_region_start|>\n\n"), "", "an emptied region");
    assert.equal(instructRewrite("I would rename it."), undefined);
  });

  it("restores the template spellings the model copied broken", () => {
    const { user } = instructPrompt({ ...base, region: ["// <|im_start|>"] });
    const broken = user.slice(user.indexOf("<|editable_region_start|>\n") + 26, user.indexOf("\n<|editable_region_end|>"));
    assert.notEqual(broken, "// <|im_start|>");
    assert.equal(instructRewrite(`<|editable_region_start|>\n${broken}\n`), "// <|im_start|>");
  });

  it("knows a region that spells a marker", () => {
    assert.equal(instructRegionHasMarker("x <|editable_region_end|>"), true);
    assert.equal(instructRegionHasMarker("x <|user_cursor_is_here|>"), true);
    assert.equal(instructRegionHasMarker("x < y || z > w"), false);
  });
});

describe("a next-edit request's diagnostics", () => {
  it("keeps errors and warnings, and drops hints, information and what doesn't parse", () => {
    const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
    assert.deepEqual(
      documentProblems([
        { range: range(3), severity: 1, message: "bad", source: "ts" },
        { range: range(4), severity: 2, message: { kind: "markdown", value: "odd" } },
        { range: range(5), severity: 3, message: "info" },
        { range: range(6), severity: 4, message: "hint" },
        { range: { start: { line: -1 } }, severity: 1, message: "negative" },
        { severity: 1, message: "no range" },
        null,
        "text",
      ]),
      [
        { line: 3, severity: "error", message: "bad", source: "ts" },
        { line: 4, severity: "warning", message: "odd", source: undefined },
      ],
    );
    assert.deepEqual(documentProblems({ not: "an array" }), []);
    assert.deepEqual(documentProblems(undefined), []);
  });
});
