/**
 * Downloading a model, only with the user's consent: a modal that names the file, its size and the hub; then a
 * cancellable progress notification with speed and time left. A cancelled download resumes next time.
 */
import * as vscode from "vscode";
import type { BaseLanguageClient } from "vscode-languageclient";
import { describeError, HearthErrorCodes, readResponseError } from "../../../server/src/shared/errors";
import { ModelDownloadProgressNotification, ModelDownloadRequest } from "../../../server/src/shared/protocol";
import { askForSecret } from "../secretInput";

export const TOKEN_SECRET = "hearth.huggingFaceToken";

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}

/** Asks, then downloads through `client` (none while the server is down); resolves true when the file is in place. */
export async function downloadWithConsent(
  client: BaseLanguageClient | undefined,
  secrets: vscode.SecretStorage,
  target: { repo: string; file: string; sizeBytes?: number },
  endpoint: string,
): Promise<boolean> {
  if (!client) return false;
  const size = target.sizeBytes ? ` (about ${formatBytes(target.sizeBytes)})` : "";
  const answer = await vscode.window.showInformationMessage(
    `Download ${target.file}${size}?`,
    {
      modal: true,
      detail: `From ${endpoint}/${target.repo}. Hearth downloads models only when you say so; the file is checked against the hub's SHA-256.`,
    },
    "Download",
  );
  if (answer !== "Download") return false;
  const token = await secrets.get(TOKEN_SECRET);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Hearth: downloading ${target.file}`, cancellable: true },
      async (progress, cancel) => {
        let reported = 0;
        const subscription = client.onNotification(ModelDownloadProgressNotification.type, (update) => {
          if (update.repo !== target.repo || update.file !== target.file) return;
          const percent = (update.receivedBytes / update.totalBytes) * 100;
          const left = update.bytesPerSecond > 0 ? (update.totalBytes - update.receivedBytes) / update.bytesPerSecond : 0;
          progress.report({
            increment: percent - reported,
            message: `${formatBytes(update.receivedBytes)} of ${formatBytes(update.totalBytes)} · ${formatBytes(update.bytesPerSecond)}/s · ${Math.ceil(left)} s left`,
          });
          reported = percent;
        });
        try {
          await client.sendRequest(ModelDownloadRequest.type, { repo: target.repo, file: target.file, token }, cancel);
        } finally {
          subscription.dispose();
        }
      },
    );
    void vscode.window.showInformationMessage(`Hearth: ${target.file} is downloaded and verified.`);
    return true;
  } catch (error) {
    const failure = readResponseError(error);
    if (failure.code === HearthErrorCodes.cancelled) {
      void vscode.window.showInformationMessage("Hearth: download cancelled; it resumes where it stopped next time.");
      return false;
    }
    void vscode.window.showErrorMessage(`Hearth: ${describeError(failure)}`);
    return false;
  }
}

export function setHuggingFaceToken(secrets: vscode.SecretStorage): Promise<void> {
  return askForSecret(secrets, TOKEN_SECRET, {
    title: "Hugging Face token",
    prompt: "For gated models only. Kept in VS Code's secret storage and sent only to the configured hub. Leave empty to remove.",
    name: "token",
  });
}
