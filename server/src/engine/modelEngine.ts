/**
 * The model engine as the features see it. The local implementation runs node-llama-cpp in this process;
 * a remote one (HTTP to llama-server, vLLM, Ollama) can stand behind the same interface.
 */
import type { CompletionMetrics, EngineStatus } from "../protocol";
import type { HearthSettings } from "../settings";

export interface FimInput {
  /** Whole lines before the cursor's line. */
  prefix: string;
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** Everything after the cursor (windowed). */
  suffix: string;
}

export interface FimGenerationOptions {
  maxTokens: number;
  /** Generation stops after this long, keeping what it has. */
  timeoutMs: number;
  /** Aborts prompt evaluation (between chunks) and generation (between tokens). */
  signal: AbortSignal;
  /** Called with the text so far after each token; true ends generation early (e.g. the code block has closed). */
  isComplete?: (textSoFar: string) => boolean;
}

export interface FimResult {
  text: string;
  metrics: CompletionMetrics;
}

export interface ModelEngine {
  readonly status: EngineStatus;
  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: EngineStatus) => void): () => void;
  /** Applies new settings; reloads the model later, on next use, if a reload-relevant setting changed. */
  configure(settings: HearthSettings): void;
  /** Starts loading the model in the background if it is not loaded or loading. Never throws. */
  warmUp(): void;
  /** Fills in the middle. Rejects with an AbortError when aborted, or an EngineError the user can act on. */
  fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult>;
  /** The measurements of the last fill-in-the-middle run. */
  readonly lastMetrics: CompletionMetrics | null;
  dispose(): Promise<void>;
}

/** An error the user can fix, carrying the fix and the setting to open. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR");
}
