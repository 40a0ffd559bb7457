/**
 * The language client's error handler: a dead server is restarted with backoff (see CrashPolicy), and after too many
 * deaths the user is told, with a Restart button. Documents and chat history live in the extension host, so a
 * server death loses neither.
 */
import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
} from "vscode-languageclient/node";
import { CrashPolicy, type CrashPolicyOptions } from "./crashPolicy";

export interface CrashRecoveryEvents {
  /** The server died and is restarted after `delayMs`. */
  onRestarting(recentCrashes: number, delayMs: number): void;
  /** Too many deaths: it stays down until the user restarts it. */
  onGaveUp(message: string): void;
}

export class CrashRecovery implements ErrorHandler {
  private readonly policy: CrashPolicy;

  constructor(
    private readonly events: CrashRecoveryEvents,
    options?: CrashPolicyOptions,
  ) {
    this.policy = new CrashPolicy(options);
  }

  /** A transport error on one message: keep the connection; a dead process arrives at closed(). */
  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue, handled: true };
  }

  async closed(): Promise<CloseHandlerResult> {
    const decision = this.policy.onCrash(Date.now());
    if (!decision.restart) {
      const message = `Hearth's language server stopped ${decision.recentCrashes} times in ${this.policy.windowMinutes} minutes, so it was not restarted again.`;
      this.events.onGaveUp(message);
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.events.onRestarting(decision.recentCrashes, decision.delayMs);
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    return { action: CloseAction.Restart, handled: true };
  }

  /** After a restart by hand. */
  reset(): void {
    this.policy.reset();
  }
}

/** Tells the user the server stays down, with the way out. */
export async function showGaveUp(message: string, restart: () => Promise<void>, showLog: () => void): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `${message} The log may say why (a model that crashes llama.cpp, for instance).`,
    "Restart",
    "Show Log",
  );
  if (choice === "Restart") await restart();
  else if (choice === "Show Log") showLog();
}
