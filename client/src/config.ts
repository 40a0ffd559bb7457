/**
 * The client's one view of the `hearth` settings: VS Code's section run through the same parser as the language
 * server's (server/src/shared/settings.ts), so both sides agree on every value and every default. Read settings
 * through `readConfig()` only; package.json contributes the same keys with the same defaults (a unit test checks).
 */
import * as vscode from "vscode";
import { DEFAULT_SETTINGS, type HearthSettings } from "../../server/src/shared/settings";
import { parseSettings } from "../../server/src/shared/settingsParser";

export const CONFIG_SECTION = "hearth";

/** The current settings, every missing or malformed value replaced by its default. */
export function readConfig(): HearthSettings {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const raw = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((key) => [key, section.get(key)]));
  return parseSettings(raw).settings;
}

/** Turns inline completions on or off where the user set them (workspace if it overrides, else user settings). */
export async function setCompletionEnabled(enabled: boolean): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const inspected = config.inspect<boolean>("completion.enabled");
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update("completion.enabled", enabled, target);
}
