import { strict as assert } from "node:assert";
// The node entry installs vscode-jsonrpc's runtime, which cancellation events need.
import { CancellationTokenSource } from "vscode-languageserver/node";
import { abortSignalFor, mergeCapabilities, withAbortSignal } from "../../server/src/feature";

describe("feature shape", () => {
  it("merges the features' capabilities and refuses two claims on one", () => {
    const merged = mergeCapabilities({ textDocumentSync: 2 }, [
      { capabilities: { inlineCompletionProvider: true } },
      { capabilities: {} },
      { capabilities: { codeActionProvider: { resolveProvider: true } } },
    ]);
    assert.deepEqual(merged, {
      textDocumentSync: 2,
      inlineCompletionProvider: true,
      codeActionProvider: { resolveProvider: true },
    });
    assert.throws(
      () => mergeCapabilities({}, [{ capabilities: { hoverProvider: true } }, { capabilities: { hoverProvider: true } }]),
      /hoverProvider/,
    );
  });

  it("carries a request's cancellation to its abort signal, and stops listening once disposed", () => {
    const source = new CancellationTokenSource();
    const first = abortSignalFor(source.token);
    first.dispose();
    const second = abortSignalFor(source.token);
    source.cancel();
    assert.equal(second.signal.aborted, true);
    assert.equal(first.signal.aborted, false, "a disposed request no longer follows the token");
    assert.equal(abortSignalFor(source.token).signal.aborted, true, "a token cancelled already aborts at once");
  });

  it("withAbortSignal hands the work a signal that the token aborts", async () => {
    const source = new CancellationTokenSource();
    const result = withAbortSignal(
      source.token,
      (signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve("aborted"))),
    );
    source.cancel();
    assert.equal(await result, "aborted");
  });
});
