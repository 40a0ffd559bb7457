import { strict as assert } from "node:assert";
import { alignedWindow, cutDocumentWindow, prefixWindowStart } from "../../server/src/core/documentWindow";
import { fimInputOf } from "../../server/src/core/fimInput";
import { documentAt } from "./cursorFixture";

describe("document window", () => {
  const budget = { prefixLines: 2, suffixLines: 1 };

  it("splits whole lines before, the line so far, and what follows", () => {
    const { text, line, character } = documentAt("a\nb\nc\n  ret║urn\nd\ne");
    assert.deepEqual(cutDocumentWindow(text, { line, character }, budget), {
      prefix: "b\nc\n",
      linePrefix: "  ret",
      lineSuffix: "urn",
      nextLines: ["d"],
      suffix: "urn\nd",
    });
  });

  it("keeps the prefix identical while typing on one line, so the KV cache holds", () => {
    const before = documentAt("x\ny\n  re║\nz");
    const after = documentAt("x\ny\n  ret║\nz");
    const a = cutDocumentWindow(before.text, before, budget);
    const b = cutDocumentWindow(after.text, after, budget);
    assert.equal(a.prefix, b.prefix);
    assert.equal(a.suffix, b.suffix);
  });

  it("treats CRLF like LF", () => {
    assert.equal(cutDocumentWindow("a\r\nb\r\nc", { line: 1, character: 1 }, budget).prefix, "a\n");
  });

  it("clamps positions past the end", () => {
    assert.equal(cutDocumentWindow("ab", { line: 5, character: 9 }, budget).linePrefix, "ab");
  });

  it("counts UTF-16 code units, as LSP positions do", () => {
    assert.equal(cutDocumentWindow("😀x", { line: 0, character: 2 }, budget).linePrefix, "😀");
  });

  it("starts the prefix window on an aligned line, so moving down a line keeps its start", () => {
    assert.equal(prefixWindowStart(10, 64), 0);
    assert.equal(prefixWindowStart(100, 64), 32);
    assert.equal(prefixWindowStart(101, 64), 32);
    assert.equal(prefixWindowStart(111, 64), 32);
    assert.equal(prefixWindowStart(112, 64), 48);
  });
});

describe("FIM input of a window: the cursor's 16-line block after the middle token", () => {
  const numbered = (count: number) => Array.from({ length: count }, (_, i) => `l${i}\n`).join("");

  it("moves the block's lines before the cursor into the part after the middle token", () => {
    const { text, line, character } = documentAt(`${numbered(19)}  ret║\nnext`);
    const input = fimInputOf(cutDocumentWindow(text, { line, character }, { prefixLines: 64, suffixLines: 1 }));
    assert.equal(input.prefix, numbered(16));
    assert.equal(input.linePrefix, "l16\nl17\nl18\n  ret");
    assert.equal(input.suffix, "\nnext");
  });

  it("Enter only appends to the part after the middle token; the 16th line moves the block", () => {
    const cut = (document: string) => {
      const { text, line, character } = documentAt(document);
      return fimInputOf(cutDocumentWindow(text, { line, character }, { prefixLines: 64, suffixLines: 1 }));
    };
    const before = cut(`${numbered(20)}x = 1;║\nnext`);
    const after = cut(`${numbered(20)}x = 1;\n║\nnext`);
    assert.equal(after.prefix, before.prefix);
    assert.equal(after.linePrefix, `${before.linePrefix}\n`);
    assert.equal(after.suffix, before.suffix);
    const atBlock = cut(`${numbered(32)}║\nnext`);
    assert.equal(atBlock.prefix, numbered(32));
    assert.equal(atBlock.linePrefix, "");
  });
});

describe("aligned window (request path and speculation)", () => {
  const lines = Array.from({ length: 60 }, (_, index) => `line ${index + 10}`);
  const text = lines.join("\n");
  const budget = { prefixLines: 8, suffixLines: 2 };

  it("starts the prefix on the aligned line, wherever the given text starts", () => {
    // Document line 40 (text line 30): the prefix starts at line 32, the multiple of 16 at or before 40 - 8.
    const window = alignedWindow(text, 10, { line: 30, character: 4 }, budget);
    assert.equal(window?.prefix, `${lines.slice(22, 30).join("\n")}\n`);
    assert.equal(window?.linePrefix, "line");
    assert.deepEqual(window?.nextLines, ["line 41", "line 42"]);
  });

  it("is the plain cut when the text starts on the aligned line", () => {
    const window = alignedWindow(text, 32, { line: 13, character: 2 }, budget);
    assert.deepEqual(window, cutDocumentWindow(text, { line: 13, character: 2 }, { prefixLines: 13, suffixLines: 2 }));
  });

  it("is undefined when the aligned line comes before the text", () => {
    assert.equal(alignedWindow(text, 10, { line: 3, character: 0 }, budget), undefined);
  });
});
