import { strict as assert } from "node:assert";
import { SuggestionCache } from "../../server/src/core/suggestionCache";

describe("suggestion cache", () => {
  const at = (linePrefix: string) => ({ uri: "file:///a.ts", prefix: "let a = 1;\n", linePrefix, suffix: "\n}" });

  it("returns an exact hit and the rest of a suggestion typed through", () => {
    const cache = new SuggestionCache();
    cache.set(at("  ret"), "urn a+b;");
    assert.equal(cache.get(at("  ret")), "urn a+b;");
    assert.equal(cache.get(at("  retur")), "n a+b;");
  });

  it("misses when typing diverges, the suggestion is used up, or the surroundings differ", () => {
    const cache = new SuggestionCache();
    cache.set(at("  ret"), "urn a+b;");
    assert.equal(cache.get(at("  retx")), undefined);
    assert.equal(cache.get(at("  return a+b;")), undefined);
    assert.equal(cache.get({ ...at("  ret"), suffix: "\n};" }), undefined);
    assert.equal(cache.get({ ...at("  ret"), uri: "file:///b.ts" }), undefined);
  });

  it("forgets the least recently used entries beyond its capacity", () => {
    const cache = new SuggestionCache(2);
    cache.set(at("a"), "1");
    cache.set(at("b"), "2");
    cache.get(at("a"));
    cache.set(at("c"), "3");
    assert.equal(cache.size, 2);
    assert.equal(cache.get(at("b")), undefined);
    assert.equal(cache.get(at("a")), "1");
  });
});
