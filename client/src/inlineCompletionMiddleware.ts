/**
 * Client-side shaping of inline-completion requests before they reach the language server:
 * per-language opt-out, typing through a shown suggestion without a model call, and an adaptive debounce.
 */
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient";
import type { ClientSettings } from "./config";
import { remainderAfterTyping, type ShownSuggestion } from "./shownSuggestion";
import { TypingPace } from "./typingPace";

/** Told the keystroke-to-answer time of each suggestion shown, for the status bar. */
export type SuggestionTiming = (latencyMs: number) => void;

export function createInlineCompletionMiddleware(
  settings: () => ClientSettings,
  onSuggestion?: SuggestionTiming,
): Pick<Middleware, "provideInlineCompletionItems"> {
  const pace = new TypingPace();
  let shown: ShownSuggestion | undefined;

  return {
    async provideInlineCompletionItems(document, position, context, token, next) {
      const current = settings();
      if (!current.completionEnabled || current.disabledLanguages.has(document.languageId)) return null;
      const uri = document.uri.toString();
      const linePrefix = document.lineAt(position.line).text.slice(0, position.character);
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;

      const remainder = explicit ? undefined : remainderAfterTyping(shown, uri, position.line, linePrefix);
      if (remainder !== undefined) return [new vscode.InlineCompletionItem(remainder, new vscode.Range(position, position))];

      if (!explicit) {
        const delay = pace.keystroke(performance.now());
        const cancelled = await waitUnlessCancelled(delay, token);
        if (cancelled) return null;
      }
      const started = performance.now();
      const result = await next(document, position, context, token);
      const items = Array.isArray(result) ? result : result?.items;
      const first = items?.[0]?.insertText;
      shown = typeof first === "string" ? { uri, line: position.line, linePrefix, text: first } : undefined;
      if (shown) onSuggestion?.(performance.now() - started);
      return result;
    },
  };
}

/** Waits `ms`, or less if the request is cancelled meanwhile (VS Code cancels it on the next keystroke); true if cancelled. */
function waitUnlessCancelled(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(token.isCancellationRequested);
    }, ms);
    const listener = token.onCancellationRequested(() => {
      clearTimeout(timer);
      listener.dispose();
      resolve(true);
    });
  });
}
