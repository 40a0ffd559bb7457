/**
 * The client's typed view of the `hearth` settings it uses itself. The language server reads the same section
 * (see server/src/settings.ts); only client-side behaviour is read here.
 */
import * as vscode from "vscode";

export const CONFIG_SECTION = "hearth";

export interface ClientSettings {
  /** `hearth.completion.enabled` */
  completionEnabled: boolean;
  /** `hearth.completion.disabledLanguages`: language ids that never get ghost text. */
  disabledLanguages: ReadonlySet<string>;
  /** `hearth.completion.suggestionCache`: typing through a shown suggestion keeps it without a request. */
  suggestionCache: boolean;
}

export function readClientSettings(): ClientSettings {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return {
    completionEnabled: config.get<boolean>("completion.enabled", true),
    disabledLanguages: new Set(config.get<string[]>("completion.disabledLanguages", ["plaintext"])),
    suggestionCache: config.get<boolean>("completion.suggestionCache", true),
  };
}

/** Turns inline completions on or off where the user set them (workspace if it overrides, else user settings). */
export async function setCompletionEnabled(enabled: boolean): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const inspected = config.inspect<boolean>("completion.enabled");
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update("completion.enabled", enabled, target);
}
