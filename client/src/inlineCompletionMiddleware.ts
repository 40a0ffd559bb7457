/**
 * Client-side shaping of inline-completion requests before they reach the language server:
 * per-language opt-out, typing through a shown suggestion without a model call, and an adaptive debounce.
 */
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient";
import type { HearthSettings } from "../../server/src/shared/settings";
import { GHOST_TEXT_ACCEPTED_COMMAND } from "./quality/suggestionQuality";
import { remainderAfterTyping, type ShownSuggestion } from "./shownSuggestion";
import { TypingPace } from "./typingPace";

/**
 * Told of each suggestion handed to VS Code: the keystroke-to-answer time (for the status bar; undefined when it
 * came without a request, typing through one already shown), the document version it is for, and whether it is
 * another suggestion than the last one shown (not the same one answered again, from the cache or on Alt+\).
 */
export type SuggestionTiming = (
  latencyMs: number | undefined,
  shownFor: { uri: string; version: number },
  fresh: boolean,
) => void;

export function createInlineCompletionMiddleware(
  settings: () => HearthSettings,
  /** True while another suggestion (next edits) is on screen: ghost text then waits. */
  waiting: () => boolean,
  onSuggestion?: SuggestionTiming,
): Pick<Middleware, "provideInlineCompletionItems"> {
  const pace = new TypingPace();
  let shown: ShownSuggestion | undefined;

  return {
    async provideInlineCompletionItems(document, position, context, token, next) {
      const current = settings();
      if (!current.completion.enabled || current.completion.disabledLanguages.includes(document.languageId)) return null;
      if (waiting()) return null;
      const uri = document.uri.toString();
      const linePrefix = document.lineAt(position.line).text.slice(0, position.character);
      const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;

      const remainder =
        explicit || !current.completion.suggestionCache ? undefined : remainderAfterTyping(shown, uri, position.line, linePrefix);
      // Each item replaces the line up to the cursor with itself plus the suggestion. VS Code then keeps showing it,
      // with no request, while the user types through it or deletes back along the line (an item anchored at the
      // cursor would be dropped by the first Backspace and have to be asked for again).
      // Accepting one runs the suggestion record's command (partial accepts, word by word, don't).
      const accepted: vscode.Command = {
        title: "Hearth: suggestion accepted",
        command: GHOST_TEXT_ACCEPTED_COMMAND,
        arguments: [uri],
      };
      const lineAnchored = (text: string) =>
        new vscode.InlineCompletionItem(
          linePrefix + text,
          new vscode.Range(position.line, 0, position.line, position.character),
          accepted,
        );
      if (remainder !== undefined) {
        onSuggestion?.(undefined, { uri, version: document.version }, false);
        return [lineAnchored(remainder)];
      }

      if (!explicit) {
        const delay = pace.keystroke(performance.now());
        const cancelled = await waitUnlessCancelled(delay, token);
        if (cancelled) return null;
      }
      const started = performance.now();
      const result = await next(document, position, context, token);
      if (!token.isCancellationRequested) pace.answered(performance.now() - started);
      const items = Array.isArray(result) ? result : result?.items;
      const first = items?.[0]?.insertText;
      const before = shown;
      shown = typeof first === "string" ? { uri, line: position.line, linePrefix, text: first } : undefined;
      const fresh = shown !== undefined && !sameSuggestion(before, shown) && !token.isCancellationRequested;
      if (shown) onSuggestion?.(performance.now() - started, { uri, version: document.version }, fresh);
      if (!items) return result;
      return items.map((item) => {
        if (typeof item.insertText === "string" && (item.range === undefined || item.range.isEmpty))
          return lineAnchored(item.insertText);
        item.command ??= accepted;
        return item;
      });
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

/** The same suggestion at the same place: answered again (the server's cache, an explicit request), not a new one. */
function sameSuggestion(a: ShownSuggestion | undefined, b: ShownSuggestion): boolean {
  return a !== undefined && a.uri === b.uri && a.line === b.line && a.linePrefix === b.linePrefix && a.text === b.text;
}
