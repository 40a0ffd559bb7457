/**
 * Asks for a secret (a token or API key) and keeps it in VS Code's secret storage; an empty answer removes it.
 */
import * as vscode from "vscode";

export async function askForSecret(
  secrets: vscode.SecretStorage,
  key: string,
  what: { title: string; prompt: string; name: string },
): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: what.title,
    prompt: what.prompt,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim() === "") await secrets.delete(key);
  else await secrets.store(key, value.trim());
  vscode.window.setStatusBarMessage(`Hearth: ${what.name} ${value.trim() ? "saved" : "removed"}`, 3000);
}
