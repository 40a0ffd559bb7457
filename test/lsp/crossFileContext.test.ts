/**
 * Cross-file context through the real server (bigram model, Qwen FIM family): chunks the client forwards appear
 * before the FIM prompt in Qwen2.5-Coder's repository format, typing still re-evaluates 1–2 tokens per keystroke,
 * and secrets files never get in.
 */
import { strict as assert } from "node:assert";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

describe("cross-file context (bigram model)", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });
  after(() => client.stop());

  it("puts chunks similar to the cursor's code before the FIM prompt, in the repository format", async () => {
    await client.sendContext({
      uri: "file:///workspace/lib/math.ts",
      path: "lib/math.ts",
      text: "export function addNumbers(a: number, b: number) {\n  return a + b;\n}",
      startLine: 0,
    });
    await client.sendContext({
      uri: "file:///workspace/notes/unrelated.md",
      path: "notes/unrelated.md",
      text: "Lorem ipsum dolor",
      startLine: 0,
    });
    await client.sendContext({ uri: "file:///workspace/.env", path: ".env", text: "API_KEY=addNumbers-secret", startLine: 0 });
    const uri = "file:///workspace/src/main.ts";
    await client.open(uri, "const total = addNumbers(1, 2);\n  ret\n");
    await client.waitForStatus((s) => s.role === "completion" && s.state === "ready");
    assert.equal(await client.completionText(uri, 1, 5), "urn a+b;", "the answer still depends only on the cursor");
    const prompt = (await client.lastPrompt()) ?? "";
    assert.ok(
      prompt.includes(
        "<|repo_name|>demo-repo\n<|file_sep|>lib/math.ts\nexport function addNumbers(a: number, b: number) {\n  return a + b;\n}\n<|file_sep|>src/main.ts\n<|fim_prefix|><|fim_suffix|>",
      ),
      prompt,
    );
    // The lines of the cursor's 16-line block come after the middle token (Enter then costs one token).
    assert.ok(prompt.endsWith("<|fim_middle|>const total = addNumbers(1, 2);\n  ret"), prompt);
    assert.ok(!prompt.includes("Lorem"), "a chunk sharing no identifier with the cursor's code is left out");
    assert.ok(!prompt.includes("API_KEY"), "a secrets file's chunk never reaches the model");
  });

  it("keeps typing on a line at 1–2 evaluated tokens per keystroke with context present", async () => {
    const uri = "file:///workspace/src/typing.ts";
    await client.open(uri, "const total = addNumbers(1, 2);\n  ret\n");
    assert.equal(await client.completionText(uri, 1, 5), "urn a+b;");
    assert.match((await client.lastPrompt()) ?? "", /<\|file_sep\|>lib\/math\.ts/);
    for (const [offset, typed] of ["x", "(", "t"].entries()) {
      await client.insert(uri, 1, 5 + offset, typed);
      await client.completionText(uri, 1, 6 + offset);
      const metrics = await client.lastMetrics();
      assert.ok(metrics && metrics.evaluatedPromptTokens <= 2, `keystroke ${offset + 1}: ${JSON.stringify(metrics)}`);
    }
  });

  it("new context is evaluated while the user is idle, so the next keystroke doesn't pay for it", async () => {
    const uri = "file:///workspace/src/idle.ts";
    await client.open(uri, "const total = addNumbers(1, 2);\n  ret\n");
    await client.completionText(uri, 1, 5);
    const before = await client.engineLoad();
    await client.sendContext({
      uri: "file:///workspace/lib/more.ts",
      path: "lib/more.ts",
      text: `export function addNumbersTwice(a: number) {\n${"  // padding line\n".repeat(30)}  return addNumbers(a, a);\n}`,
      startLine: 0,
    });
    // Wait for the pre-evaluation (300 ms after the last chunk) to run and finish.
    let load = await client.engineLoad();
    for (let i = 0; i < 100 && (load.speculativeCompletions === before.speculativeCompletions || load.liveCompletions > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      load = await client.engineLoad();
    }
    await client.insert(uri, 1, 5, "x");
    await client.completionText(uri, 1, 6);
    assert.match((await client.lastPrompt()) ?? "", /<\|file_sep\|>lib\/more\.ts/);
    const metrics = await client.lastMetrics();
    assert.ok(metrics && metrics.evaluatedPromptTokens <= 2, `the keystroke evaluated ${metrics?.evaluatedPromptTokens} tokens`);
  });

  it("a new chunk re-evaluates from itself on, not the chunks before it", async () => {
    const uri = "file:///workspace/src/growing.ts";
    await client.open(uri, "const total = addNumbers(1, 2);\n  ret\n");
    await client.completionText(uri, 1, 5);
    const before = await client.lastMetrics();
    await client.sendContext({
      uri: "file:///workspace/lib/total.ts",
      path: "lib/total.ts",
      text: "export const total = addNumbers(0, 0);",
      startLine: 0,
    });
    await client.insert(uri, 1, 5, "x");
    await client.completionText(uri, 1, 6);
    const after = await client.lastMetrics();
    assert.ok(before && after);
    const prompt = (await client.lastPrompt()) ?? "";
    const newChunkAt = prompt.indexOf("<|file_sep|>lib/total.ts");
    assert.ok(newChunkAt > prompt.indexOf("<|file_sep|>lib/math.ts"), "the new chunk comes after the older one");
    // Everything before the new chunk stayed in the KV cache: what was evaluated is at most the new chunk plus the rest.
    assert.ok(after.evaluatedPromptTokens < after.promptTokens - newChunkAt / 2, JSON.stringify(after));
  });
});
