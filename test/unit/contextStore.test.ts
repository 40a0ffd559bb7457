import { strict as assert } from "node:assert";
import { ContextStore, MAX_CHUNK_LINES } from "../../server/src/core/contextStore";
import { commentFor, renderRepoContext } from "../../server/src/core/repoContext";

const chunk = (path: string, text: string, startLine = 0) => ({ uri: `file:///w/${path}`, path, text, startLine });

describe("cross-file context store", () => {
  it("chooses chunks by shared identifiers with the cursor's code, keeping arrival order", () => {
    const store = new ContextStore();
    store.add(chunk("a.ts", "function parseConfig(text) {}"));
    store.add(chunk("b.ts", "const unrelated = 1;"));
    store.add(chunk("c.ts", "export function loadConfig() { return parseConfig(read()); }"));
    const chosen = store.select("const config = loadConfig(); parseConfig(x);", "file:///w/main.ts", 10_000);
    assert.deepEqual(
      chosen.map((c) => c.path),
      ["a.ts", "c.ts"],
    );
  });

  it("keeps within the budget, preferring the most similar", () => {
    const store = new ContextStore();
    store.add(chunk("weak.ts", `alpha ${"x".repeat(200)}`));
    store.add(chunk("strong.ts", "alpha beta gamma"));
    assert.deepEqual(
      store.select("alpha beta gamma", "file:///w/main.ts", 50).map((c) => c.path),
      ["strong.ts"],
    );
  });

  it("never offers the current file's own chunks", () => {
    const store = new ContextStore();
    store.add(chunk("main.ts", "function main() {}"));
    assert.deepEqual(store.select("main()", "file:///w/main.ts", 10_000), []);
  });

  it("replaces near-duplicates and the same place of a file, and evicts the oldest beyond capacity", () => {
    const store = new ContextStore(3);
    store.add(chunk("a.ts", "alpha\nbeta\ngamma"));
    store.add(chunk("a.ts", "alpha\nbeta\ngamma\n")); // same lines
    store.add(chunk("b.ts", "one two", 0));
    store.add(chunk("b.ts", "one two three", 0)); // same place, newer text
    assert.equal(store.size, 2);
    store.add(chunk("c.ts", "c1"));
    store.add(chunk("d.ts", "d1"));
    assert.equal(store.size, 3);
    assert.deepEqual(
      store.select("alpha one c1 d1 three", "x", 10_000).map((c) => c.path),
      ["b.ts", "c.ts", "d.ts"],
    );
  });

  it("cuts chunks to 64 lines", () => {
    const store = new ContextStore();
    store.add(chunk("long.ts", Array.from({ length: 100 }, (_, i) => `line${i} token`).join("\n")));
    const [only] = store.select("token", "x", 100_000);
    assert.equal(only?.text.split("\n").length, MAX_CHUNK_LINES);
  });
});

describe("repository-level context rendering", () => {
  const chunks = [chunk("lib/a.py", "def a():\n    pass")];

  it("Qwen2.5-Coder: <|repo_name|> and <|file_sep|> headers, current file last", () => {
    assert.deepEqual(renderRepoContext("qwen", "repo", chunks, "main.py"), [
      { special: "<|repo_name|>" },
      { text: "repo\n" },
      { special: "<|file_sep|>" },
      { text: "lib/a.py\ndef a():\n    pass\n" },
      { special: "<|file_sep|>" },
      { text: "main.py\n" },
    ]);
  });

  it("StarCoder2: <repo_name> and <file_sep>", () => {
    assert.deepEqual(renderRepoContext("starcoder", "repo", chunks, "main.py").slice(0, 3), [
      { special: "<repo_name>" },
      { text: "repo" },
      { special: "<file_sep>" },
    ]);
  });

  it("DeepSeek-Coder: path comments in each file's language", () => {
    assert.deepEqual(renderRepoContext("deepseek", "repo", chunks, "src/main.ts"), [
      { text: "# lib/a.py\ndef a():\n    pass\n\n// src/main.ts\n" },
    ]);
    assert.equal(commentFor("x.lua"), "--");
    assert.equal(commentFor("x.go"), "//");
  });

  it("renders nothing without chunks", () => {
    assert.deepEqual(renderRepoContext("qwen", "repo", [], "main.py"), []);
  });
});
