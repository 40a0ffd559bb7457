/**
 * The status bar item: what the engine is doing, and on error what to do about it.
 */
import * as vscode from "vscode";
import { COMMANDS } from "../../server/src/shared/commands";
import type { CompletionMetrics, EngineStatus } from "../../server/src/shared/protocol";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("hearth.status", vscode.StatusBarAlignment.Right, 100);
  private status: EngineStatus = { role: "completion", state: "idle" };
  private completionEnabled = true;
  private lastErrorShown: string | undefined;
  private lastSuggestion = "";

  /** Called when the user agrees to download the model an error status names. */
  onDownload: ((status: EngineStatus) => void) | undefined;

  constructor() {
    this.item.name = "Hearth";
    this.item.command = COMMANDS.showStatus;
    this.render();
    this.item.show();
  }

  get current(): EngineStatus {
    return this.status;
  }

  /** Shows the completion model's status; the chat model's is shown in the chat view. */
  update(status: EngineStatus, notify = true): void {
    if (status.role !== "completion") return;
    this.status = status;
    this.render();
    // With completions off, a missing completion model is no news worth a notification.
    if (status.state === "error" && this.completionEnabled && notify) {
      const key = `${status.message}|${status.fix}`;
      if (key !== this.lastErrorShown) {
        this.lastErrorShown = key;
        void showEngineError(status, this.onDownload);
      }
    } else if (status.state === "ready") {
      this.lastErrorShown = undefined;
    }
  }

  /** Records the last suggestion's keystroke-to-answer time and the engine's generation speed, for the tooltip. */
  setLastSuggestion(latencyMs: number, metrics?: CompletionMetrics): void {
    const tokensPerSecond =
      metrics && metrics.generatedTokens > 0 && metrics.durationMs > 0
        ? ` · ${((metrics.generatedTokens / metrics.durationMs) * 1000).toFixed(0)} tokens/s`
        : "";
    this.lastSuggestion = `\nLast suggestion: ${Math.round(latencyMs)} ms${tokensPerSecond}`;
    this.render();
  }

  setCompletionEnabled(enabled: boolean): void {
    this.completionEnabled = enabled;
    this.render();
  }

  private render(): void {
    const { state, model, backend, progress, message } = this.status;
    const modelText = model ? ` ${model}` : "";
    this.item.backgroundColor = undefined;
    if (state === "error") {
      this.item.text = "$(warning) Hearth";
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      this.item.tooltip = `Hearth: ${message ?? "error"}\n${this.status.fix ?? ""}\nClick for options.`;
    } else if (!this.completionEnabled) {
      this.item.text = "$(circle-slash) Hearth";
      this.item.tooltip = "Hearth: inline completions are off. Click to turn them on.";
    } else if (state === "loading") {
      const percent = progress === undefined ? "" : ` ${Math.round(progress * 100)}%`;
      this.item.text = `$(sync~spin) Hearth${percent}`;
      this.item.tooltip = `Hearth: loading${modelText}…`;
    } else if (state === "ready") {
      this.item.text = "$(check) Hearth";
      this.item.tooltip = `Hearth: ready —${modelText} on ${backendLabel(backend ?? "cpu")}${this.lastSuggestion}${message ? `\n${message}` : ""}`;
    } else {
      this.item.text = "$(circle-outline) Hearth";
      this.item.tooltip = `Hearth:${modelText} loads when you first edit a file.`;
    }
    this.item.accessibilityInformation = { label: `Hearth ${this.completionEnabled ? state : "completions off"}${modelText}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** GPU backends in capitals (CUDA, CPU); a remote engine's label ("llama-server @ host:port") as it is. */
export function backendLabel(backend: string): string {
  return /^(cpu|cuda|vulkan|metal)$/.test(backend) ? backend.toUpperCase() : backend;
}

/** Shows an engine error with buttons that lead to the fix. */
export async function showEngineError(status: EngineStatus, onDownload?: (status: EngineStatus) => void): Promise<void> {
  const openSetting = status.setting ? "Open Setting" : undefined;
  const download = status.download && onDownload ? "Download…" : undefined;
  const text = `Hearth: ${status.message ?? "The model engine failed."} ${status.fix ?? ""}`.trim();
  const buttons = [download, download ? "Select Model…" : openSetting, "Show Log"].filter(
    (item): item is string => item !== undefined,
  );
  // A model that only needs downloading is not a mistake of the user's: say it as information.
  const choice = download
    ? await vscode.window.showInformationMessage(text, ...buttons)
    : await vscode.window.showErrorMessage(text, ...buttons);
  if (choice === "Download…" && onDownload) onDownload(status);
  else if (choice === "Select Model…") await vscode.commands.executeCommand(COMMANDS.selectModel);
  else if (choice === "Open Setting" && status.setting)
    await vscode.commands.executeCommand("workbench.action.openSettings", status.setting);
  else if (choice === "Show Log") await vscode.commands.executeCommand(COMMANDS.showLog);
}
