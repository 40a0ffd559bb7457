/**
 * search_code's search in words is synchronous (MiniSearch): a query built to be slow (thousands of one-letter words,
 * each a prefix of most of the index) must still come back at once, with the right code, and say it was cut.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolContext } from "../../server/src/agent/tool";
import { CodeIndex, searchCodeTool } from "../../server/src/agent/tools/searchCode";
import { WorkspaceAccess } from "../../server/src/agent/workspaceAccess";
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, searchTerms } from "../../server/src/core/agent/searchTerms";

/** A deterministic stream of identifiers, so the index has thousands of distinct terms for prefixes to walk. */
function identifiers(seed: number): () => string {
  let state = seed;
  const syllables = ["ka", "lo", "mi", "re", "su", "ta", "ve", "no", "pi", "da", "be", "gu", "ox", "el", "ir", "an"];
  return () => {
    let word = "";
    for (let i = 0; i < 4; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      word += syllables[state % syllables.length];
    }
    return `${word}${state % 97}`;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz".split("");

describe("search_code's search in words is bounded", function () {
  this.timeout(20_000);
  let root: string;
  let workspace: WorkspaceAccess;
  const index = new CodeIndex();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "hearth-search-bounds-"));
    const next = identifiers(7);
    mkdirSync(join(root, "src"));
    for (let file = 0; file < 280; file++) {
      const lines = Array.from({ length: 120 }, () => `const ${next()} = ${next()}(${next()}, a, b);`);
      writeFileSync(join(root, "src", `module${file}.ts`), `${lines.join("\n")}\n`);
    }
    writeFileSync(join(root, "src", "widget.ts"), "export function renderWidget(target) {\n  return drawFrame(target);\n}\n");
    workspace = new WorkspaceAccess(
      () => [root],
      () => [],
    );
    await index.refresh(workspace);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it("a query of 5,000 one-letter words comes back at once with the right code", function () {
    this.timeout(2_000);
    const words = Array.from({ length: 5_000 }, (_, i) => LETTERS[i % LETTERS.length]);
    const started = Date.now();
    const ranked = index.query(`renderWidget drawFrame ${words.join(" ")}`);
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
    assert.equal(ranked[0]?.file, "src/widget.ts");
  });

  it("short terms match only whole terms, longer ones their prefixes too", () => {
    assert.deepEqual(index.query("re"), [], "re is no term of the index, and too short to be a prefix");
    assert.equal(index.query("renderwid")[0]?.file, "src/widget.ts");
    assert.equal(index.query("drawFrame")[0]?.file, "src/widget.ts");
  });

  it("cuts the terms: distinct, at most 32, from at most 500 characters, and says so", () => {
    const many = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
    const cut = searchTerms(`${many} ${many}`);
    assert.equal(cut.terms.length, MAX_QUERY_TERMS);
    assert.deepEqual(cut.terms.slice(0, 2), ["word0", "word1"]);
    assert.ok(cut.text.length <= MAX_QUERY_CHARS);
    assert.doesNotMatch(cut.text, /\bword\d?$/, "cut between words, not inside one");
    assert.match(cut.cut ?? "", /first 500 characters and only its first 32 distinct words/);
    assert.deepEqual(searchTerms("a b a b parseConfig").terms, ["a", "b", "parseconfig", "parse", "config"]);
    assert.equal(searchTerms("a b a b parseConfig").cut, undefined);
  });

  it("search by meaning embeds the cut query, and its term ranking is bounded too", async function () {
    this.timeout(5_000);
    const embedded: string[] = [];
    const embed = async (texts: readonly string[], kind: "query" | "document") => {
      if (kind === "query") embedded.push(...texts);
      return texts.map((text) => [text.includes("renderWidget") ? 1 : 0, 1]);
    };
    const words = Array.from({ length: 5_000 }, (_, i) => LETTERS[i % LETTERS.length]).join(" ");
    const started = Date.now();
    const ranked = await index.hybrid(`renderWidget ${words}`, "test-embedder", embed, new AbortController().signal);
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    assert.equal(ranked[0]?.file, "src/widget.ts");
    assert.equal(embedded.length, 1);
    assert.ok(embedded[0].length <= MAX_QUERY_CHARS, `embedded ${embedded[0].length} characters`);
  });

  it("the tool's result says the query was cut; literal and /regex/ searches are unchanged", async () => {
    const tool = searchCodeTool(index);
    const context = { workspace, signal: new AbortController().signal } as unknown as ToolContext;
    const words = Array.from({ length: 2_000 }, (_, i) => `${LETTERS[i % 26]}${LETTERS[(i * 7) % 26]}`).join(" ");
    const cut = await tool.run({ query: `renderWidget ${words}` }, context);
    assert.match(cut.content, /\(the query was too long to search in words: only its first 500 characters/);
    assert.match(cut.content, /--- src\/widget\.ts:1\n/);
    const literal = await tool.run({ query: "drawFrame(target)" }, context);
    assert.match(literal.content, /^1 matching line:\nsrc\/widget\.ts:2: return drawFrame\(target\);/);
    const regex = await tool.run({ query: "/render[A-Z]\\w+/" }, context);
    assert.match(regex.content, /src\/widget\.ts:1: export function renderWidget/);
  });
});
