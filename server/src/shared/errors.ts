/**
 * Hearth's error contract: the JSON-RPC codes its requests fail with, and the data that says what to do about it.
 * The server makes every such error with `actionableError`; the client reads one with `readResponseError`.
 */
import { LSPErrorCodes, ResponseError } from "vscode-languageserver-protocol";

export const HearthErrorCodes = {
  /** The chat model is unusable or its reply can't be used (chat, explain, fix). */
  chatModel: 1001,
  /** The document changed since the request was made, so its answer would clobber newer text. */
  staleDocument: 1002,
  /** A model download failed. */
  download: 1003,
  /** The request names a secrets file (sensitiveFiles.ts), whose contents never go to a model. */
  secretsFile: 1004,
  /** The client cancelled the request (LSP's own code). */
  cancelled: LSPErrorCodes.RequestCancelled,
} as const;

/** What an error tells the user besides its message. */
export interface ActionableErrorData {
  /** What the user can do about it, in a sentence. */
  fix?: string;
  /** The setting that fixes it, for an "Open Setting" button. */
  setting?: string;
}

/** A failed request as the client shows it. */
export interface ActionableError extends ActionableErrorData {
  message: string;
  /** One of {@link HearthErrorCodes}, a JSON-RPC code, or undefined for an error that never reached the server. */
  code?: number;
}

/** The one way the server fails a request with something the user can act on. */
export function actionableError(
  code: number,
  message: string,
  data: ActionableErrorData = {},
): ResponseError<ActionableErrorData> {
  const { fix, setting } = data;
  return new ResponseError(code, message, {
    ...(fix === undefined ? {} : { fix }),
    ...(setting === undefined ? {} : { setting }),
  });
}

function hasCode(error: unknown): error is { code: number; message: string; data?: unknown } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === "number";
}

/**
 * Reads any error a request rejected with: a ResponseError's code and data (checked, since any server may answer),
 * or just the message.
 */
export function readResponseError(error: unknown): ActionableError {
  if (!hasCode(error)) return { message: error instanceof Error ? error.message : String(error) };
  const data = typeof error.data === "object" && error.data !== null ? (error.data as Record<string, unknown>) : {};
  return {
    code: error.code,
    message: error.message,
    fix: typeof data.fix === "string" ? data.fix : undefined,
    setting: typeof data.setting === "string" ? data.setting : undefined,
  };
}

/** The message and its fix as one line, for a notification or the chat transcript. */
export function describeError(error: ActionableError): string {
  return `${error.message} ${error.fix ?? ""}`.trim();
}
