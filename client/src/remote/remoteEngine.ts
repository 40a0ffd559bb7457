/**
 * The client's part of the remote engine: the API key in VS Code's secret storage (handed to the language server
 * only when it asks), and a one-time warning when code would travel unencrypted.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { isPlainHttpToAnotherHost } from "../../../server/src/shared/loopback";
import { RemoteApiKeyChangedNotification, RemoteApiKeyRequest } from "../../../server/src/shared/protocol";
import { readConfig } from "../config";
import { askForSecret } from "../secretInput";

export const REMOTE_API_KEY_SECRET = "hearth.remote.apiKey";
const WARNED_URLS_KEY = "hearth.remote.plainHttpWarned";

/** Answers the server's key requests, and tells it when the key changes. Returns what to dispose with the client. */
export function serveRemoteApiKey(client: LanguageClient, secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    client.onRequest(RemoteApiKeyRequest.type, async () => (await secrets.get(REMOTE_API_KEY_SECRET)) ?? null),
    secrets.onDidChange((event) => {
      if (event.key === REMOTE_API_KEY_SECRET && client.isRunning()) {
        void client.sendNotification(RemoteApiKeyChangedNotification.type);
      }
    }),
  ];
}

export function setRemoteApiKey(secrets: vscode.SecretStorage): Promise<void> {
  return askForSecret(secrets, REMOTE_API_KEY_SECRET, {
    title: "Remote engine API key",
    prompt: "Sent as a bearer token to hearth.remote.url only. Kept in VS Code's secret storage. Leave empty to remove.",
    name: "API key",
  });
}

/** Warns once per URL when the remote engine is reached over plain http:// on another machine. */
export async function warnAboutPlainHttp(state: vscode.Memento): Promise<void> {
  const { engine, remote } = readConfig();
  const url = remote.url;
  if (engine !== "remote" || !isPlainHttpToAnotherHost(url)) return;
  const warned = state.get<string[]>(WARNED_URLS_KEY, []);
  if (warned.includes(url)) return;
  await state.update(WARNED_URLS_KEY, [...warned, url]);
  const choice = await vscode.window.showWarningMessage(
    `Hearth: ${url} is plain http:// to another machine, so your code travels unencrypted. Use https://, or an SSH tunnel to a loopback address.`,
    "Open Setting",
  );
  if (choice === "Open Setting") await vscode.commands.executeCommand("workbench.action.openSettings", "hearth.remote.url");
}
