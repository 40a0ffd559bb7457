/**
 * Hearth's VS Code entry point. It only wires things up; the language server does the work.
 */
import type * as vscode from "vscode";
import { registerCommands } from "./commands";
import { HearthClient } from "./hearthClient";

let hearth: HearthClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ hearth: HearthClient }> {
  hearth = new HearthClient(context);
  context.subscriptions.push(...registerCommands(hearth));
  // Activation waits for the server process to start, never for the model: that loads on first use.
  await hearth.start();
  return { hearth };
}

export async function deactivate(): Promise<void> {
  await hearth?.dispose();
  hearth = undefined;
}
