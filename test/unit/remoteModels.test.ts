/**
 * A remote server's models as Hearth offers them to VS Code's chat (engine/remote/remoteModels.ts): the chat model
 * first, then every other served model but the embedding ones, each with the context the server gave or the lower
 * bound; a setting naming a model the server doesn't serve gets an error saying what it does serve.
 */
import { strict as assert } from "node:assert";
import {
  DEFAULT_REMOTE_CONTEXT,
  lmChoices,
  servedContext,
  servedModelsOf,
  unservedModel,
} from "../../server/src/engine/remote/remoteModels";

const served = servedModelsOf({
  data: [
    { id: "qwen3:8b", max_model_len: 40_960 },
    { id: "nomic-embed-text:latest" },
    { id: "text-embedding-3-small" },
    { id: "llama3.2:3b", max_model_len: -1 },
    { max_model_len: 4096 },
  ],
});

describe("a remote server's models for VS Code's chat", () => {
  it("reads /v1/models: ids with a usable context, entries without an id left out", () => {
    assert.deepEqual(served, [
      { id: "qwen3:8b", contextSize: 40_960 },
      { id: "nomic-embed-text:latest", contextSize: undefined },
      { id: "text-embedding-3-small", contextSize: undefined },
      { id: "llama3.2:3b", contextSize: undefined },
    ]);
  });

  it("lists the chat model first, then the others but the embedders", () => {
    const choices = lmChoices(served, "llama3.2:3b", "llama3.2:3b", servedContext(served, "llama3.2:3b"));
    assert.deepEqual(
      choices.map((choice) => [choice.served, choice.label, choice.contextSize]),
      [
        [undefined, "llama3.2:3b", DEFAULT_REMOTE_CONTEXT],
        ["qwen3:8b", "qwen3:8b", 40_960],
      ],
    );
    // No chat model set: the server's first is the chat model.
    assert.deepEqual(
      lmChoices(served, "", "qwen3:8b", servedContext(served, "")).map((choice) => choice.served),
      [undefined, "llama3.2:3b"],
    );
  });

  it("names what the server serves when a setting names a model it doesn't", () => {
    const error = unservedModel(served, "mistral:7b", "http://127.0.0.1:11434", "hearth.remote.chatModel");
    assert.match(error?.message ?? "", /does not serve “mistral:7b”\. It serves: qwen3:8b, nomic-embed-text:latest/);
    assert.equal(error?.setting, "hearth.remote.chatModel");
    assert.equal(unservedModel(served, "qwen3:8b", "u", "s"), undefined);
    assert.equal(unservedModel([], "anything", "u", "s"), undefined, "a server that lists none serves any");
  });
});
