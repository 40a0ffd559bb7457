import { strict as assert } from "node:assert";
import { extractReplacement } from "../../server/src/core/extractReplacement";

describe("extracting the replacement from a fix answer", () => {
  it("takes the fenced block", () => {
    assert.equal(extractReplacement("Here you go:\n```ts\nlet x = 1;\n```\nThat fixes it."), "let x = 1;");
  });
  it("takes an unfenced answer whole", () => {
    assert.equal(extractReplacement("  let x = 1;\n"), "let x = 1;");
  });
  it("takes the largest of several blocks", () => {
    assert.equal(extractReplacement("```\na\n```\nor better:\n```ts\nconst a = 1;\nuse(a);\n```"), "const a = 1;\nuse(a);");
  });
  it("drops a reasoning prefix that ends in a closing tag", () => {
    assert.equal(extractReplacement("hmm, the type is wrong</think>\n```ts\nlet x = 1;\n```"), "let x = 1;");
  });
  it("keeps what came when the closing fence is missing", () => {
    assert.equal(extractReplacement("```python\ndef f():\n    return 1"), "def f():\n    return 1");
  });
  it("keeps indentation inside the block", () => {
    assert.equal(extractReplacement("```\n    if (a) {\n      b();\n    }\n```"), "    if (a) {\n      b();\n    }");
  });
  it("does not end a block at a fence of another kind", () => {
    assert.equal(extractReplacement("````md\n```\ninner\n```\n````"), "```\ninner\n```");
  });
});
