/**
 * The two ways an engine call ends without an answer: the user can act on it (EngineError: what went wrong, the fix,
 * the setting to open), or somebody cancelled it (an AbortError, which is never reported).
 */
import type { ActionableErrorData } from "../shared/errors";

/** An error the user can fix, carrying the fix and the setting to open. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly setting?: string,
    /** A hub file the user may choose to download to fix this. */
    readonly download?: { repo: string; file: string; sizeBytes?: number },
  ) {
    super(message);
    this.name = "EngineError";
  }

  /** What the client shows besides the message. */
  get data(): ActionableErrorData {
    return { fix: this.fix, setting: this.setting };
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR");
}

/** The error a cancelled engine call rejects with (what `signal.throwIfAborted()` throws for a plain abort). */
export function abortError(): Error {
  const error = new Error("The request was cancelled.");
  error.name = "AbortError";
  return error;
}
