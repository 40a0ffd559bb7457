/** package.json contributes exactly the settings and commands the code defines, with the same defaults. */
import { strict as assert } from "node:assert";
import packageJson from "../../package.json";
import { COMMANDS, LANGUAGE_MODEL_TOOLS } from "../../server/src/shared/commands";
import { MEANING_SEARCH_MAX_RESULTS } from "../../server/src/shared/searchProtocol";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

/** `hearth.<section>.<key>` → default, for every leaf of the defaults. */
function settingKeys(value: object, prefix = "hearth"): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  for (const [key, child] of Object.entries(value)) {
    const path = `${prefix}.${key}`;
    // A map-valued setting (hearth.agent.mcpServers) defaults to an empty object: that is a leaf, not a section.
    if (typeof child === "object" && child !== null && !Array.isArray(child) && Object.keys(child).length > 0) {
      for (const [leaf, value] of settingKeys(child, path)) keys.set(leaf, value);
    } else keys.set(path, child);
  }
  return keys;
}

describe("package.json contributions", () => {
  const contributed = packageJson.contributes.configuration.properties as Record<string, { default?: unknown }>;

  it("contributes every setting with the default the code uses, and no other", () => {
    const defaults = settingKeys(DEFAULT_SETTINGS);
    assert.deepEqual(Object.keys(contributed).sort(), [...defaults.keys()].sort());
    for (const [key, value] of defaults) assert.deepEqual(contributed[key].default, value, key);
  });

  it("contributes exactly the commands the code registers", () => {
    const ids = packageJson.contributes.commands.map((command) => command.command);
    assert.deepEqual(ids.sort(), Object.values(COMMANDS).sort());
  });

  it("contributes exactly the language model tools the code registers, with the server's bounds", () => {
    const tools = packageJson.contributes.languageModelTools;
    assert.deepEqual(tools.map((tool) => tool.name).sort(), Object.values(LANGUAGE_MODEL_TOOLS).sort());
    const search = tools.find((tool) => tool.name === LANGUAGE_MODEL_TOOLS.searchCode);
    assert.equal(search?.inputSchema.properties.maxResults.maximum, MEANING_SEARCH_MAX_RESULTS);
    assert.deepEqual(search?.inputSchema.required, ["query"]);
  });
});
