/**
 * The chat view's HTML: the only place it is built. Strict CSP: nothing by default, scripts only with this
 * page's nonce, styles and images only from the extension.
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview.js"));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "media", "chat.css"));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Hearth Chat</title>
</head>
<body>
<header class="toolbar">
  <select id="history" title="Past chats" aria-label="Past chats"></select>
  <button id="new-chat" title="New Chat">New</button>
  <button id="clear-history" title="Clear chat history">Clear</button>
</header>
<div id="model" class="model" title="Chat model"></div>
<div id="problem" class="problem" role="alert" hidden></div>
<main id="messages" aria-live="polite"></main>
<div id="notice" class="notice" hidden></div>
<footer class="composer">
  <div id="chips" class="chips"></div>
  <textarea id="input" rows="3" placeholder="Ask Hearth… (Enter to send, Shift+Enter for a new line, @ to add a file)" aria-label="Message"></textarea>
  <div class="composer-actions">
    <select id="mode" title="Ask answers; Agent may read, search, propose edits and run commands (each asked first)" aria-label="Mode">
      <option value="ask">Ask</option>
      <option value="agent">Agent</option>
    </select>
    <button id="send" title="Send (Enter)">Send</button>
  </div>
</footer>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
