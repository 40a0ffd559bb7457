import { strict as assert } from "node:assert";
import { fitReplacement } from "../../server/src/shared/replacementFit";

describe("fitting a model's code to what it replaces", () => {
  it("keeps the final line break when a one-line block replaces a whole file", () => {
    assert.equal(fitReplacement("export const answer = 41;\n", "export const answer = 42;"), "export const answer = 42;\n");
    assert.equal(fitReplacement("export const answer = 41;\n", "export const answer = 41;"), "export const answer = 41;\n");
    assert.equal(fitReplacement("a;", "b;\n"), "b;", "no line break where the original had none");
  });

  it("keeps CRLF line breaks", () => {
    assert.equal(fitReplacement("a();\r\nb();\r\n", "a(1);\nb(2);"), "a(1);\r\nb(2);\r\n");
  });

  it("re-indents lines whose indentation the model dropped or changed, keeping their relative indentation", () => {
    const original = "    if (x) {\n      run(x);\n    }";
    assert.equal(fitReplacement(original, "if (x) {\n  run(x, 1);\n}"), "    if (x) {\n      run(x, 1);\n    }");
    assert.equal(fitReplacement(original, "  if (x) {\n    run(x, 1);\n\n  }"), "    if (x) {\n      run(x, 1);\n\n    }");
    assert.equal(fitReplacement("\tx = 1;", "x = 2;"), "\tx = 2;");
    assert.equal(fitReplacement("  a;\n  b;", "  a;\n  b;"), "  a;\n  b;", "right already: unchanged");
  });
});
