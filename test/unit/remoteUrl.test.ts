import { strict as assert } from "node:assert";
import { fimFamilyFor } from "../../server/src/core/fimFormats";
import { fimSegments, textPrompt } from "../../server/src/core/textPrompt";
import { isLoopbackUrl, isPlainHttpToAnotherHost } from "../../server/src/shared/loopback";

describe("remote engine: URLs and FIM text", () => {
  it("tells loopback URLs from others", () => {
    for (const url of ["http://127.0.0.1:8080", "http://localhost:11434", "http://[::1]:8080", "http://127.1.2.3"]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
    for (const url of ["http://gpu-box:8080", "http://10.0.0.5:8080", "http://127.0.0.1.evil.com", "not a url"]) {
      assert.equal(isLoopbackUrl(url), false, url);
    }
  });

  it("warns only about plain http to another machine", () => {
    assert.equal(isPlainHttpToAnotherHost("http://gpu-box:8080"), true);
    assert.equal(isPlainHttpToAnotherHost("HTTP://10.0.0.5:8000"), true);
    assert.equal(isPlainHttpToAnotherHost("https://gpu-box:8080"), false);
    assert.equal(isPlainHttpToAnotherHost("http://127.0.0.1:8080"), false);
  });

  it("guesses the FIM family from a served model's name, Qwen when it can't tell", () => {
    assert.equal(fimFamilyFor("auto", "deepseek-coder-6.7b-base").name, "deepseek");
    assert.equal(fimFamilyFor("auto", "bigcode/starcoder2-7b").name, "starcoder");
    assert.equal(fimFamilyFor("auto", "Qwen/Qwen2.5-Coder-7B").name, "qwen");
    assert.equal(fimFamilyFor("auto", "").name, "qwen");
    assert.equal(fimFamilyFor("starcoder", "qwen2.5-coder").name, "starcoder", "the setting wins");
  });

  it("lays the text prompt out like the token prompt: the typed line last", () => {
    const qwen = fimFamilyFor("qwen", "");
    assert.equal(
      textPrompt(fimSegments(qwen, { prefix: "a\n", suffix: "\nz", linePrefix: "  re" })),
      "<|fim_prefix|>a\n<|fim_suffix|>\nz<|fim_middle|>  re",
    );
  });
});
