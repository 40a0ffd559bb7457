/**
 * Settings that name files, URLs or where code goes are machine-scoped: VS Code ignores them in workspace settings,
 * so a repository can't point Hearth at a file or a server of its choosing. VS Code does that silently; this tells
 * the user, once per workspace and set of settings, that the workspace tried and was ignored.
 */
import * as vscode from "vscode";
import { CONFIG_SECTION } from "../config";

interface Inspected {
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The machine-scoped keys (full names) a workspace sets. Pure. */
export function workspaceSetMachineSettings(keys: readonly string[], inspect: (key: string) => Inspected | undefined): string[] {
  return keys.filter((key) => {
    const inspected = inspect(key);
    return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
  });
}

/** The machine-scoped settings Hearth contributes, from its own package.json. */
export function machineScopedSettings(packageJson: unknown): string[] {
  const properties = (packageJson as { contributes?: { configuration?: { properties?: Record<string, { scope?: string }> } } })
    .contributes?.configuration?.properties;
  return Object.entries(properties ?? {})
    .filter(([, schema]) => schema.scope === "machine")
    .map(([key]) => key);
}

const WARNED_KEY = "hearth.ignoredWorkspaceSettingsWarned";

export async function warnAboutIgnoredWorkspaceSettings(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const config = vscode.workspace.getConfiguration();
  const prefix = `${CONFIG_SECTION}.`;
  const keys = machineScopedSettings(context.extension.packageJSON);
  const ignored = workspaceSetMachineSettings(keys, (key) => config.inspect(key));
  if (ignored.length === 0) return;
  const summary = ignored.join(", ");
  log.warn(`Ignored workspace values for ${summary}: these settings apply only from user settings.`);
  if (context.workspaceState.get<string>(WARNED_KEY) === summary) return;
  await context.workspaceState.update(WARNED_KEY, summary);
  const names = ignored.map((key) => key.slice(prefix.length)).join(", ");
  const choice = await vscode.window.showWarningMessage(
    `Hearth ignores this workspace's ${names} setting${ignored.length > 1 ? "s" : ""}: settings that name model files, servers or where your code is sent apply only from your user settings, so a repository can't redirect your code. Set them in your user settings if you mean them.`,
    "Open User Settings",
  );
  if (choice === "Open User Settings") await vscode.commands.executeCommand("workbench.action.openSettings", ignored[0]);
}
