import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// The guard's pure parts; it imports vscode only for its notification, so load the functions through a stand-in.
import Module = require("node:module");

const packageJson = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));

function loadGuard(): typeof import("../../client/src/trust/workspaceSettingsGuard") {
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (request: string, ...rest: unknown[]) =>
    request === "vscode" ? {} : load(request, ...rest);
  try {
    return require("../../client/src/trust/workspaceSettingsGuard");
  } finally {
    (Module as unknown as { _load: unknown })._load = load;
  }
}

describe("workspace settings guard", () => {
  const guard = loadGuard();

  it("every setting naming a file, URL or engine is machine-scoped and restricted in untrusted workspaces", () => {
    const machine = guard.machineScopedSettings(packageJson);
    for (const key of [
      "hearth.completion.model",
      "hearth.chat.model",
      "hearth.models.directory",
      "hearth.models.endpoint",
      "hearth.engine",
      "hearth.remote.url",
    ]) {
      assert.ok(machine.includes(key), `${key} is machine-scoped`);
    }
    assert.deepEqual([...packageJson.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [...machine].sort());
    assert.equal(packageJson.capabilities.untrustedWorkspaces.supported, "limited");
  });

  it("finds the machine-scoped settings a workspace tries to set", () => {
    const values: Record<string, { workspaceValue?: unknown; workspaceFolderValue?: unknown }> = {
      "hearth.remote.url": { workspaceValue: "http://attacker.example" },
      "hearth.completion.model": { workspaceFolderValue: "/tmp/evil.gguf" },
      "hearth.chat.model": {},
    };
    assert.deepEqual(
      guard.workspaceSetMachineSettings(
        ["hearth.remote.url", "hearth.completion.model", "hearth.chat.model", "hearth.engine"],
        (key) => values[key],
      ),
      ["hearth.remote.url", "hearth.completion.model"],
    );
  });
});
