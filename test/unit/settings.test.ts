import { strict as assert } from "node:assert";
import { DEFAULT_SETTINGS, needsModelReload, nextEditAvailable, nextEditModelSetting } from "../../server/src/shared/settings";
import { parseSettings } from "../../server/src/shared/settingsParser";

describe("settings", () => {
  it("fills every missing value with its default", () => {
    assert.deepEqual(parseSettings(undefined), { settings: DEFAULT_SETTINGS, problems: [] });
    assert.deepEqual(parseSettings({ completion: null }).settings, DEFAULT_SETTINGS);
  });

  it("reads valid values", () => {
    const { settings, problems } = parseSettings({
      completion: { model: " /m.gguf ", enabled: false, maxTokens: 64 },
      local: { threads: 2, gpu: "vulkan" },
    });
    assert.deepEqual(problems, []);
    assert.equal(settings.completion.model, "/m.gguf");
    assert.equal(settings.completion.enabled, false);
    assert.equal(settings.completion.maxTokens, 64);
    assert.equal(settings.local.threads, 2);
    assert.equal(settings.local.gpu, "vulkan");
  });

  it("reports malformed values and keeps the defaults", () => {
    const { settings, problems } = parseSettings({ completion: { maxTokens: -3, enabled: "yes" }, local: { gpu: "rocm" } });
    assert.equal(settings.completion.maxTokens, DEFAULT_SETTINGS.completion.maxTokens);
    assert.equal(settings.completion.enabled, true);
    assert.equal(settings.local.gpu, "auto");
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /hearth\.local\.gpu must be one of auto, cuda, vulkan, metal, off/);
  });

  it("reads the engine choice and the remote settings, trimming a trailing slash from the URL", () => {
    const { settings, problems } = parseSettings({
      engine: "remote",
      remote: {
        url: "https://gpu-box:8080/",
        api: "openai",
        completionModel: "coder",
        nextEditModel: "sweep",
        fimFormat: "deepseek",
        timeoutSeconds: 5,
      },
    });
    assert.deepEqual(problems, []);
    assert.equal(settings.engine, "remote");
    assert.deepEqual(settings.remote, {
      url: "https://gpu-box:8080",
      api: "openai",
      completionModel: "coder",
      chatModel: "",
      nextEditModel: "sweep",
      fimFormat: "deepseek",
      timeoutSeconds: 5,
    });
  });

  it("reports a malformed engine or API and stays local", () => {
    const { settings, problems } = parseSettings({ engine: "cloud", remote: { api: "grpc", timeoutSeconds: 0 } });
    assert.equal(settings.engine, "local");
    assert.equal(settings.remote.api, "llama-server");
    assert.equal(settings.remote.timeoutSeconds, 30);
    assert.match(problems.join("\n"), /hearth\.engine must be one of local, remote/);
    assert.match(problems.join("\n"), /hearth\.remote\.api must be one of llama-server, openai/);
    assert.match(problems.join("\n"), /hearth\.remote\.timeoutSeconds must be a whole number from 1 to 3600/);
  });

  it("knows which changes need a model reload", () => {
    const changedModel = parseSettings({ completion: { model: "/other.gguf" } }).settings;
    const changedTokens = parseSettings({ completion: { maxTokens: 10 } }).settings;
    assert.equal(needsModelReload(DEFAULT_SETTINGS, changedModel), true);
    assert.equal(needsModelReload(DEFAULT_SETTINGS, changedTokens), false);
  });

  it("lets the chat model serve next edits in the instruct format, and only there", () => {
    const settings = (values: Record<string, unknown>) => parseSettings(values).settings;
    const chatOnly = settings({ chat: { model: "/chat.gguf" } });
    assert.equal(nextEditAvailable(chatOnly), false, "a chat model alone gives no next edits in a trained format");
    const instruct = settings({ chat: { model: "/chat.gguf" }, nextEdit: { format: "instruct" } });
    assert.equal(nextEditModelSetting(instruct), "/chat.gguf");
    assert.equal(nextEditAvailable(instruct), true);
    const own = settings({ chat: { model: "/chat.gguf" }, nextEdit: { format: "instruct", model: "/coder.gguf" } });
    assert.equal(nextEditModelSetting(own), "/coder.gguf", "a next-edit model set is used as the instruct model");
    const remote = settings({
      engine: "remote",
      remote: { url: "http://127.0.0.1:1", chatModel: "qwen" },
      nextEdit: { format: "instruct" },
    });
    assert.equal(nextEditModelSetting(remote), "qwen");
    assert.equal(nextEditAvailable(remote), true);
    // The chat model changing reloads the next-edit role only where it serves next edits.
    const otherChat = settings({ chat: { model: "/other.gguf" }, nextEdit: { format: "instruct" } });
    assert.equal(needsModelReload(instruct, otherChat, "nextEdit"), true);
    const sweep = settings({ chat: { model: "/chat.gguf" }, nextEdit: { model: "/sweep.gguf" } });
    const sweepOtherChat = settings({ chat: { model: "/other.gguf" }, nextEdit: { model: "/sweep.gguf" } });
    assert.equal(needsModelReload(sweep, sweepOtherChat, "nextEdit"), false);
    assert.equal(needsModelReload(sweep, settings({ nextEdit: { model: "/sweep.gguf", format: "instruct" } }), "nextEdit"), true);
  });
});
