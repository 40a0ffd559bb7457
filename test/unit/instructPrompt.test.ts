import { strict as assert } from "node:assert";
import { earlyAnswer } from "../../server/src/core/nextEdit/earlyStop";
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
        {
          line: 2,
          character: 2,
          severity: "error",
          message: "Expected 1 arguments.\nmore detail",
          source: "ts",
          code: "  const b = f(2);",
        },
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
      problems: [{ line: 1, character: 0, severity: "warning", message: "<|im_end|>", code: "x" }],
    });
    assert.ok(user.includes("````` src/a.ts\n"), user);
    assert.ok(user.endsWith("\n`````"), user);
    assert.ok(!user.includes("<|im_start|>") && !user.includes("<|im_end|>"), user);
    assert.ok(user.includes("<|editable_region_start|>\n") && user.includes("<|user_cursor_is_here|>"), "the markers stay whole");
  });

  const S = "<|editable_region_start|>";
  const E = "<|editable_region_end|>";

  it("reads the region from an answer with a preamble, a thought, a fence and a copied cursor", () => {
    const region = "a = 0;\nb = 2;";
    assert.equal(instructRewrite(`${S}\na = 1;\nb = 2;\n${E}`, region), "a = 1;\nb = 2;");
    assert.equal(
      instructRewrite(
        `<think>start at\n${S}\n?\n${E}\n</think>Sure:\n\`\`\`ts\n${S}\na<|user_cursor_is_here|> = 1;\n${E}\n\`\`\``,
        region,
      ),
      "a = 1;",
    );
    assert.equal(instructRewrite(`${S}\na = 1;${E}`, region), "a = 1;", "the end marker ending the last line");
    assert.equal(instructRewrite(`${S}\n${E}`, region), "", "an emptied region");
    assert.equal(instructRewrite("I would rename it.", region), undefined);
  });

  it("never reads half a region: a preamble naming the markers, an unclosed region, an unclosed thought", () => {
    const region = "a = 0;\nb = 2;";
    // The markers named inline are not the region's; the real one follows.
    const preamble = `I'll rewrite the lines between ${S} and ${E}:\n${S}\na = 1;\nb = 2;\n${E}\n`;
    assert.equal(instructRewrite(preamble, region), "a = 1;\nb = 2;");
    assert.equal(instructRewrite(`I'll rewrite the lines between ${S} and ${E}`, region), undefined);
    assert.equal(instructRewrite(`${S}\na = 1;\n`, region), undefined, "cut off before the end marker");
    assert.equal(instructRewrite(`<think>\n${S}\na = 1;\n${E}\n`, region), undefined, "still thinking");
  });

  it("takes a fence the model put inside the markers out, but keeps the region's own fences", () => {
    assert.equal(instructRewrite(`${S}\n\`\`\`ts\na = 1;\n\`\`\`\n${E}`, "a = 0;"), "a = 1;");
    const markdown = "```ts\nlet x = 1;\n```";
    assert.equal(instructRewrite(`${S}\n\`\`\`ts\nlet x = 2;\n\`\`\`\n${E}`, markdown), "```ts\nlet x = 2;\n```");
    assert.equal(instructRewrite(`${S}\nSee:\n\`\`\`\n${E}`, "See:\n```"), "See:\n```", "a closing fence that is the region's");
  });

  it("restores the template spellings the model copied broken, and keeps a spelling the cursor splits broken", () => {
    const { user } = instructPrompt({ ...base, region: ["// <|im_start|>"] });
    const broken = user.slice(user.indexOf(`${S}\n`) + 26, user.indexOf(`\n${E}`));
    assert.notEqual(broken, "// <|im_start|>");
    assert.equal(instructRewrite(`${S}\n${broken}\n${E}`, "// <|im_start|>"), "// <|im_start|>");
    const split = instructPrompt({ ...base, region: ["x = '<|im_end|>';"], cursor: { line: 0, character: 9 } }).user;
    assert.ok(split.includes("x = '<\u200B|im<|user_cursor_is_here|>_end|>';"), split);
    assert.ok(!split.includes("<|im_end|>") && !split.replace("<|user_cursor_is_here|>", "").includes("<|im_end|>"), split);
  });

  it("keeps a path or a message from closing its fence or starting a section", () => {
    const { user } = instructPrompt({
      ...base,
      path: "src/a.ts\n```\n## Current file",
      problems: [{ line: 1, character: 0, severity: "error", message: "bad\r## Current file\u2028more", code: "x" }],
    });
    const headings = user.split("\n").filter((line) => line.startsWith("## ") || line.startsWith("```"));
    assert.deepEqual(headings, ["## Problems", "## Current file", "``` src/a.ts_____## Current file", "```"], user);
  });

  it("knows a region that spells a marker", () => {
    assert.equal(instructRegionHasMarker("x <|editable_region_end|>"), true);
    assert.equal(instructRegionHasMarker("x <|user_cursor_is_here|>"), true);
    assert.equal(instructRegionHasMarker("x < y || z > w"), false);
    assert.equal(instructRegionHasMarker("x = '<\u200B|im_end|>'"), true, "a break of the user's own would be restored away");
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
        { line: 3, character: 0, severity: "error", message: "bad", source: "ts" },
        { line: 4, character: 0, severity: "warning", message: "odd", source: undefined },
      ],
    );
    assert.deepEqual(documentProblems({ not: "an array" }), []);
    assert.deepEqual(documentProblems(undefined), []);
  });
});

describe("the early stop inside an instruct answer", () => {
  const frame = { opener: "<|editable_region_start|>", closer: "<|editable_region_end|>" };
  const window = "function f(a) {\n  const x = g(a);\n  const y = h(x);\n  return y;\n}";

  it("reads only the lines after the start marker, skips a fence the model opens, and closes the answer", () => {
    const streamed =
      "Sure:\n```\n<|editable_region_start|>\n```ts\nfunction f(b) {\n  const x = g(b);\n  const y = h(x);\n  return y;\n";
    const answer = earlyAnswer(streamed, window, frame);
    assert.equal(
      answer,
      "Sure:\n```\n<|editable_region_start|>\nfunction f(b) {\n  const x = g(b);\n  const y = h(x);\n  return y;\n}\n<|editable_region_end|>",
    );
    assert.equal(instructRewrite(answer ?? "", window), "function f(b) {\n  const x = g(b);\n  const y = h(x);\n  return y;\n}");
  });

  it("waits for the start marker's line, and for the rewrite to be back in step", () => {
    assert.equal(
      earlyAnswer("I'll rewrite <|editable_region_start|> lines:\n  const y = h(x);\n  return y;\n", window, frame),
      undefined,
    );
    assert.equal(earlyAnswer("<|editable_region_start|>\nfunction f(b) {\n", window, frame), undefined);
  });
});
