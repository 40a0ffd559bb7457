import { strict as assert } from "node:assert";
import { postprocessCompletion, scopeEndIndex } from "../../server/src/core/postprocess";
import { dropDuplicateCloser } from "../../server/src/core/postprocess/dropDuplicateCloser";
import { dropRepetition } from "../../server/src/core/postprocess/dropRepetition";
import { dropRetypedIndentation } from "../../server/src/core/postprocess/dropRetypedIndentation";
import { dropSuffixOverlap } from "../../server/src/core/postprocess/dropSuffixOverlap";
import { dropSuffixRetype } from "../../server/src/core/postprocess/dropSuffixRetype";
import { singleLineInsideLine } from "../../server/src/core/postprocess/singleLineInsideLine";
import { stopAtScopeEnd } from "../../server/src/core/postprocess/stopAtScopeEnd";
import { trimTrailingWhitespace } from "../../server/src/core/postprocess/trimTrailingWhitespace";
import { placeAt } from "./cursorFixture";

describe("post-processing filters", () => {
  describe("dropSuffixOverlap", () => {
    it("drops a bracket the editor already auto-closed", () => {
      assert.equal(dropSuffixOverlap("key)", placeAt("print(║)")), "key");
    });
    it("drops a longer overlap such as `);`", () => {
      assert.equal(dropSuffixOverlap("a, b);", placeAt("call(║);\n")), "a, b");
    });
    it("keeps text that does not repeat the suffix", () => {
      assert.equal(dropSuffixOverlap("key", placeAt("print(║)")), "key");
    });
    it("drops closing lines that already follow the cursor", () => {
      const place = placeAt("function f() {\n  ║\n}\n");
      assert.equal(dropSuffixOverlap("return 1;\n}", place), "return 1;");
    });
    it("keeps a multi-line suggestion whose end differs from what follows", () => {
      const place = placeAt("function f() {\n  ║\n}\n");
      assert.equal(dropSuffixOverlap("a();\n  b();", place), "a();\n  b();");
    });
  });

  describe("stopAtScopeEnd", () => {
    it("cuts where the suggestion dedents below the cursor's line", () => {
      const place = placeAt("class A {\n  f() {\n    a();║\n  }\n}");
      assert.equal(stopAtScopeEnd("\n    b();\n  }\n  g() {}", place), "\n    b();");
    });
    it("keeps the closing bracket of a block the cursor's line opens, and stops after it", () => {
      const place = placeAt("function f() {║");
      assert.equal(stopAtScopeEnd("\n  return 1;\n}\nfunction g() {}", place), "\n  return 1;\n}");
    });
    it("cuts a new statement that follows the block the cursor's line opened", () => {
      const place = placeAt("if (x) {║");
      assert.equal(stopAtScopeEnd("\n  y();\nz();", place), "\n  y();");
    });
    it("judges by the cursor's column on a blank line", () => {
      const place = placeAt("def f():\n    ║");
      assert.equal(stopAtScopeEnd("return 1\n\ndef g():", place), "return 1\n");
    });
    it("leaves single-line suggestions alone", () => {
      assert.equal(stopAtScopeEnd("urn a+b;", placeAt("  ret║")), "urn a+b;");
    });
    it("does not judge an unfinished last line while the model is writing", () => {
      const place = placeAt("  a();║");
      assert.equal(scopeEndIndex("\n}", place, true), undefined);
      assert.equal(scopeEndIndex("\n}\n", place, true), 0);
    });
  });

  describe("singleLineInsideLine", () => {
    it("keeps one line when text follows the cursor", () => {
      assert.equal(singleLineInsideLine("a, b\nfoo()", placeAt("call(║)")), "a, b");
    });
    it("allows several lines at the end of a line", () => {
      assert.equal(singleLineInsideLine("{\n}", placeAt("if (x) ║")), "{\n}");
    });
  });

  describe("trimTrailingWhitespace", () => {
    it("trims every line and the end", () => {
      assert.equal(trimTrailingWhitespace("a;  \n  b; \n\n", placeAt("║")), "a;\n  b;");
    });
  });

  describe("the whole pipeline", () => {
    it("never returns a whitespace-only suggestion", () => {
      assert.equal(postprocessCompletion("   \n  ", placeAt("x║")), undefined);
    });
    it("returns undefined when the whole suggestion repeats the suffix", () => {
      assert.equal(postprocessCompletion(")", placeAt("print(║)")), undefined);
    });
    it("combines the filters", () => {
      const place = placeAt("function f() {\n  ║\n}\nfunction g() {}");
      assert.equal(postprocessCompletion("return 1;   \n}\nfunction h() {}", place), "return 1;");
    });
  });
  describe("dropRepetition (small models' loops)", () => {
    const place = placeAt("function f() {\n  ║\n}\n");
    it("keeps one of a line repeated over and over", () => {
      assert.equal(
        dropRepetition("log(x);\n  log(x);\n  log(x);\n  log(x);", placeAt("  ║")),
        "log(x);\n  log(x);".split("\n")[0],
      );
      assert.equal(dropRepetition("a();\n  b();\n  b();\n  b();", place), "a();\n  b();");
    });
    it("keeps a line written twice, which may be meant", () => {
      assert.equal(dropRepetition("i++;\n  i++;", place), "i++;\n  i++;");
    });
    it("keeps one copy of a repeated block of lines", () => {
      const block = "if (a) {\n    go();\n  }";
      // Three lines written twice: kept once (and a block written once is left alone).
      assert.equal(dropRepetition(`${block}\n  ${block}\n  done();`, place), block);
      assert.equal(dropRepetition(`${block}\n  done();`, place), `${block}\n  done();`);
      const looped = "x = 1;\n  y = 2;\n  x = 1;\n  y = 2;\n  x = 1;";
      assert.equal(dropRepetition(looped, place), "x = 1;\n  y = 2;");
    });
    it("cuts a phrase repeated at the end of a line, but not runs of numbers or punctuation", () => {
      assert.equal(dropRepetition("const name = foo foo foo foo foo", place), "const name = foo");
      assert.equal(dropRepetition("const zeros = [0, 0, 0, 0, 0, 0", place), "const zeros = [0, 0, 0, 0, 0, 0");
      assert.equal(dropRepetition("// ----------------", place), "// ----------------");
    });
  });

  describe("dropRetypedIndentation", () => {
    it("drops indentation the user already typed", () => {
      assert.equal(dropRetypedIndentation("    return x;", placeAt("def f():\n    ║")), "return x;");
    });
    it("keeps indentation beyond it, and text after code", () => {
      assert.equal(dropRetypedIndentation("  return x;", placeAt("def f():\n    ║")), "  return x;");
      assert.equal(dropRetypedIndentation("    x", placeAt("a = ║")), "    x");
    });
  });

  describe("dropDuplicateCloser", () => {
    it("drops a block end the next line already has", () => {
      assert.equal(dropDuplicateCloser("done(); }", placeAt("if (ok) {\n  ║\n}\n")), "done();");
      assert.equal(dropDuplicateCloser("done();\n}", placeAt("if (ok) {\n  ║\n\n  }\n")), "done();");
      assert.equal(dropDuplicateCloser("x: 1 });", placeAt("call({\n  ║\n});\n")), "x: 1");
    });
    it("keeps brackets the suggestion opened itself, and closers the document doesn't have", () => {
      assert.equal(dropDuplicateCloser("go()", placeAt("if (ok) {\n  ║\n)\n")), "go()");
      assert.equal(dropDuplicateCloser("done(); }", placeAt("if (ok) {\n  ║\n  next();\n")), "done(); }");
    });
  });

  describe("dropSuffixRetype", () => {
    it("drops a suggestion that only types what follows the cursor", () => {
      assert.equal(dropSuffixRetype("return a;", placeAt("function f() {\n  ║\n  return a;\n}")), "");
      assert.equal(dropSuffixRetype("return b;", placeAt("function f() {\n  ║\n  return a;\n}")), "return b;");
    });
    it("never shows it, through the whole chain", () => {
      assert.equal(postprocessCompletion("}", placeAt("if (a) {\n  ║\n}")), undefined);
    });
  });
});
