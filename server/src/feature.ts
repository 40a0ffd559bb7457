/**
 * The one shape of a server feature: `register…(deps)` gets what the feature needs, registers its handlers on the
 * connection and returns a Feature, whose capabilities server.ts merges into the initialize result. Nothing but
 * server.ts imports a feature.
 */
import type { CancellationToken, Disposable, ServerCapabilities } from "vscode-languageserver";

export interface Feature {
  /** What this feature adds to the server's capabilities (merged shallowly, so each names its own keys). */
  capabilities: ServerCapabilities;
  /** Stops timers and work in progress on shutdown. */
  dispose?(): void;
}

/** The capabilities of every feature, one object; two features claiming the same key is a bug. */
export function mergeCapabilities(base: ServerCapabilities, features: readonly Feature[]): ServerCapabilities {
  const merged: ServerCapabilities = { ...base };
  for (const feature of features) {
    for (const key of Object.keys(feature.capabilities)) {
      if (key in merged) throw new Error(`Two features claim the capability ${key}`);
    }
    Object.assign(merged, feature.capabilities);
  }
  return merged;
}

/** An AbortSignal that follows an LSP request's cancellation, and can be aborted by the server too (newest wins). */
export interface RequestAbort extends Disposable {
  readonly signal: AbortSignal;
  abort(): void;
}

/**
 * Carries a request's cancellation from the client to the engine (and so to node-llama-cpp or the HTTP request).
 * Dispose it when the request settles, so the token's listener goes too.
 */
export function abortSignalFor(token: CancellationToken): RequestAbort {
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  if (token.isCancellationRequested) controller.abort();
  return { signal: controller.signal, abort: () => controller.abort(), dispose: () => subscription.dispose() };
}

/** Runs one request's work with its abort signal, removing the cancellation listener however the work ends. */
export async function withAbortSignal<T>(token: CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = abortSignalFor(token);
  try {
    return await work(abort.signal);
  } finally {
    abort.dispose();
  }
}
