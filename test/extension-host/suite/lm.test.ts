/**
 * Hearth's model in VS Code's own chat, as any extension (and VS Code's chat) reaches it: `vscode.lm` finds the
 * `hearth` vendor's model, a request streams text from the generated model, and cancelling stops it. The chat model
 * comes from the test launcher (a bigram model that replies "z" until stopped).
 */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import { hearthModel } from "./hearthModel";

describe("Hearth's model through vscode.lm", () => {
  it("is listed for vendor hearth with the chat model's name and budget", async () => {
    const model = await hearthModel();
    assert.equal(model.vendor, "hearth");
    assert.match(model.name, /^Hearth · .*\(local/);
    assert.ok(model.maxInputTokens > 0, String(model.maxInputTokens));
  });

  it("streams text from the local model, and cancelling stops the request", async () => {
    const model = await hearthModel();
    const source = new vscode.CancellationTokenSource();
    const response = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User("go on")],
      { justification: "Hearth's extension-host test" },
      source.token,
    );
    let text = "";
    let cancelledAt = 0;
    const read = (async () => {
      for await (const chunk of response.text) {
        text += chunk;
        if (text.length >= 3 && !cancelledAt) {
          cancelledAt = Date.now();
          source.cancel();
        }
      }
    })();
    // VS Code ends the stream when the provider returns: at once when the cancellation reached the model, only after
    // the whole reply (hearth.chat.maxTokens of "z", about 13 s on the test machine) when it didn't.
    const ended = await Promise.race([
      read.then(
        () => "ended",
        () => "ended",
      ),
      new Promise((resolve) => setTimeout(() => resolve("still running"), 60_000)),
    ]);
    assert.equal(ended, "ended", `the stream did not end; text so far ${JSON.stringify(text)}`);
    assert.ok(Date.now() - cancelledAt < 5_000, `the stream ended ${Date.now() - cancelledAt} ms after cancel`);
    assert.match(text, /^z{3,}/);
  });

  it("counts tokens with the chat model's own tokenizer", async () => {
    const model = await hearthModel();
    // The request above loaded the model. The generated model's vocabulary has a token per byte: 8, where the
    // 4-characters estimate (used only while no model is loaded) says 2.
    assert.equal(await model.countTokens("12345678"), 8);
  });
});
