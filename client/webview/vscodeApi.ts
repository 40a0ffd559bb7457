/** The typed channel from the webview to the extension. */
import type { WebviewToExtension } from "../../server/src/shared/chatProtocol";

interface VsCodeApi {
  postMessage(message: WebviewToExtension): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewToExtension): void {
  api.postMessage(message);
}
