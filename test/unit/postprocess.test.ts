import { strict as assert } from "node:assert";
import { postprocessCompletion, scopeEndIndex } from "../../server/src/core/postprocess";
import { dropSuffixOverlap } from "../../server/src/core/postprocess/dropSuffixOverlap";
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
});
