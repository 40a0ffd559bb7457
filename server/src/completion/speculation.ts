/**
 * Speculative next suggestion: while a suggestion is on screen and the model is idle, compute the one that would
 * follow accepting it (and, for a multi-line suggestion, accepting only its first line), and put it in the
 * suggestion cache, so after Tab the next suggestion appears with no wait.
 *
 * Speculation never delays typing: any new completion request aborts it (between prompt chunks or tokens), and it
 * doesn't touch the metrics a request reports.
 */

import { alignedWindow, type DocumentWindow } from "../core/documentWindow";
import { cacheKeyFor, fimInputOf } from "../core/fimInput";
import type { SuggestionCache } from "../core/suggestionCache";
import { EngineError, isAbortError } from "../engine/engineError";
import { suggestFor } from "../engine/fimSuggestion";
import type { ModelEngine, RepoContextInput } from "../engine/modelEngine";
import type { Logger } from "../logger";
import type { HearthSettings } from "../shared/settings";

export interface ShownSuggestion {
  uri: string;
  settingsVersion: number;
  /** The lines the window was cut from, and the cursor within them. */
  nearby: string;
  /** The document line `nearby` starts at. */
  firstLine: number;
  position: { line: number; character: number };
  suggestion: string;
  /** The cross-file context the shown suggestion was computed with; the next one uses the same. */
  context?: RepoContextInput;
}

/** The text the window would be cut from after accepting `accepted` at the cursor, and the cursor after it. Pure. */
export function afterAccepting(
  nearby: string,
  position: { line: number; character: number },
  accepted: string,
): { nearby: string; position: { line: number; character: number } } {
  const lines = nearby.split(/\r\n|\r|\n/);
  const breaks = nearby.match(/\r\n|\r|\n/g) ?? [];
  const offset = lines.slice(0, position.line).reduce((sum, line, index) => sum + line.length + (breaks[index]?.length ?? 0), 0);
  const at = offset + Math.min(position.character, lines[position.line]?.length ?? 0);
  const acceptedLines = accepted.split("\n");
  const lastLine = acceptedLines[acceptedLines.length - 1] ?? "";
  return {
    nearby: nearby.slice(0, at) + accepted + nearby.slice(at),
    position:
      acceptedLines.length === 1
        ? { line: position.line, character: position.character + accepted.length }
        : { line: position.line + acceptedLines.length - 1, character: lastLine.length },
  };
}

export class Speculation {
  private controller: AbortController | undefined;

  constructor(
    private readonly engine: ModelEngine,
    private readonly cache: SuggestionCache,
    private readonly settings: () => HearthSettings["completion"],
    private readonly log: Logger,
  ) {}

  private logUnexpected(error: unknown): void {
    this.log.error(`Speculation failed: ${error instanceof Error ? error.stack : String(error)}`);
  }

  /**
   * Evaluates a prompt without generating (new cross-file context for the last window asked about), so the next
   * keystroke doesn't pay for it. Same rules as speculation: any request cancels it.
   */
  prefill(window: DocumentWindow, context: RepoContextInput | undefined): void {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    const settings = this.settings();
    setImmediate(() => {
      this.engine
        .fillInMiddle(fimInputOf(window, context), {
          maxTokens: settings.maxTokens,
          timeoutMs: settings.timeoutMs,
          signal: controller.signal,
          speculative: true,
          evaluateOnly: true,
        })
        .catch((error) => {
          if (!isAbortError(error) && !(error instanceof EngineError)) this.logUnexpected(error);
        })
        .finally(() => {
          if (this.controller === controller) this.controller = undefined;
        });
    });
  }

  /** Typing wins: stop whatever is being speculated. */
  cancel(): void {
    this.controller?.abort();
    this.controller = undefined;
  }

  /** Starts computing what follows the shown suggestion, once the current turn of the event loop is done. */
  start(shown: ShownSuggestion): void {
    this.cancel();
    const settings = this.settings();
    // Speculated suggestions are served from the cache: without it they would be wasted work.
    if (!settings.speculate || !settings.suggestionCache) return;
    const controller = new AbortController();
    this.controller = controller;
    const firstLine = shown.suggestion.split("\n")[0] ?? "";
    const acceptances =
      shown.suggestion.includes("\n") && firstLine.trim() !== "" ? [shown.suggestion, firstLine] : [shown.suggestion];
    setImmediate(async () => {
      for (const accepted of acceptances) {
        if (controller.signal.aborted) return;
        const after = afterAccepting(shown.nearby, shown.position, accepted);
        // Cut the window the request after Tab will cut.
        const window = alignedWindow(after.nearby, shown.firstLine, after.position, settings);
        if (window === undefined) continue;
        const key = cacheKeyFor(shown.uri, shown.settingsVersion, window, shown.context);
        if (this.cache.get(key) !== undefined) continue;
        try {
          const { text } = await suggestFor(this.engine, window, settings, controller.signal, {
            speculative: true,
            context: shown.context,
          });
          if (text !== undefined && !controller.signal.aborted) this.cache.set(key, text);
        } catch (error) {
          // Aborted by typing, or the engine failed (the real request will say so); anything else is a bug.
          if (!isAbortError(error) && !(error instanceof EngineError)) this.logUnexpected(error);
          return;
        }
      }
      if (this.controller === controller) this.controller = undefined;
    });
  }
}
