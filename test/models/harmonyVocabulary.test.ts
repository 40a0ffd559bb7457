/**
 * The o200k_harmony vocabulary built for the gpt-oss fixtures (harmonyVocabulary.ts) against OpenAI's own
 * tokenizer: llama.cpp, loading it as it loads the real gpt-oss GGUF, must cut text into exactly the tokens tiktoken
 * does, special tokens included, or the gpt-oss template tests would check the wrong prompt.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";
import type { LlamaModel } from "node-llama-cpp";
import { loadLlamaModule } from "../../server/src/engine/local/llamaRuntime";
import { HARMONY_SPECIAL_TOKENS, HARMONY_VOCABULARY_SIZE, harmonyVocabularyPath } from "../fixtures/gguf/harmonyVocabulary";

const ROOT = join(__dirname, "..", "..");

/** Text that exercises o200k's pre-tokenizer: cases, contractions, digit runs, scripts, emoji, whitespace runs. */
const SAMPLES = [
  "hello world  function foo() {\n  return 42;\n}",
  "I'm sure THEY'LL say it's fine; we'd've WON'T 'Tis",
  "1234567 3.14159 0x1F 1e-9 2026-12-07",
  "émigré naïve Straße 日本語のテキスト 한국어 العربية русский текст",
  "emoji 🎉👩‍💻 and symbols ←→ ∑ ≤ ≥ « »",
  "tabs\tand\r\nCRLF\r\n\r\n   trailing   \n\n\n  x",
  "    indented()\n\t\tdeeper\n        spaces_only        ",
  "<div class=\"x\">a &amp; b</div> SELECT * FROM t WHERE id='1';",
];

describe("o200k_harmony vocabulary (gpt-oss) against tiktoken", function () {
  this.timeout(120_000);
  let model: LlamaModel;
  const tiktoken = new Tiktoken(o200kBase, Object.fromEntries([...HARMONY_SPECIAL_TOKENS].map(([id, text]) => [text, id])));

  before(async () => {
    const { getLlama } = await loadLlamaModule();
    const llama = await getLlama({ gpu: false, build: "never" });
    model = await llama.loadModel({ modelPath: harmonyVocabularyPath(), vocabOnly: true });
  });
  after(async () => model?.dispose());

  it("has gpt-oss's size and its end tokens: <|return|> and <|call|> end a reply, <|end|> doesn't", () => {
    assert.equal(model.tokens.eos, 200_002);
    assert.equal(model.tokenize("<|start|>", true).length, 1);
    assert.equal(model.detokenize([HARMONY_VOCABULARY_SIZE - 1] as never[], true), "<|reserved_201087|>");
    assert.ok(model.isEogToken(200_002 as never) && model.isEogToken(200_012 as never));
    assert.ok(!model.isEogToken(200_007 as never), "<|end|> ends a message, not the reply");
  });

  it("tokenizes text exactly as tiktoken does", () => {
    const sources = ["server/src/core/reasoning.ts", "README.md", "client/src/extension.ts"];
    const texts = [...SAMPLES, ...sources.map((path) => readFileSync(join(ROOT, path), "utf8"))];
    for (const text of texts) {
      const expected = tiktoken.encode(text);
      assert.deepEqual([...model.tokenize(text)], expected, text.slice(0, 80));
      assert.equal(model.detokenize(model.tokenize(text)), text);
    }
  });

  it("reads harmony's message markup in plain text as the tokens (llama.cpp's rule for gpt-oss), but never <|return|>", () => {
    // llama.cpp makes `<|channel|>`, `<|message|>`, `<|start|>` and `<|constrain|>` user-defined for gpt-oss (so they
    // render), and matches them, and `<|end|>`, even in text not meant to hold special tokens: a file the model
    // reads can write a message header into its prompt (an injection surface llama.cpp gives every gpt-oss host),
    // though it can't end the reply.
    assert.deepEqual([...model.tokenize("a<|channel|>b")], [64, 200_005, 65]);
    assert.deepEqual([...model.tokenize("a<|end|>b")], [64, 200_007, 65]);
    assert.ok(!model.tokenize("a<|return|>b").includes(200_002 as never));
  });

  it("tokenizes harmony's special tokens to tiktoken's ids", () => {
    const text =
      '<|start|>assistant<|channel|>commentary to=functions.read <|constrain|>json<|message|>{"a":1}<|call|>' +
      "<|start|>assistant<|channel|>final<|message|>Done.<|return|>";
    assert.deepEqual([...model.tokenize(text, true)], tiktoken.encode(text, "all"));
  });
});
