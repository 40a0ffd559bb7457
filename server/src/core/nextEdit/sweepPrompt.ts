/**
 * The prompt of Sweep's next-edit models (sweepai/sweep-next-edit-*, Qwen2.5-Coder vocabulary, plain completion),
 * as the public implementations build it (Sweep's model card, Zed's sweep prompt, TabbyML's client): related files,
 * then each recent edit as a `.diff` block, oldest first, then the window as it was before the latest edit, the
 * window now, and an open `updated/` block the model fills with the window rewritten.
 *
 *   <|file_sep|>{path}\n{code}\n                                  (each related file)
 *   <|file_sep|>{path}.diff\noriginal:\n{lines}\nupdated:\n{lines}\n  (each recent edit)
 *   <|file_sep|>original/{path}\n{window before the latest edit}\n
 *   <|file_sep|>current/{path}\n{window now}\n
 *   <|file_sep|>updated/{path}\n
 *
 * Everything stable comes first and the window now last, so a keystroke re-evaluates from the current window on:
 * the history lists settled edits only, and the edit being typed is the difference between the original and the
 * current window (public clients also list it as the last `.diff` block, which would change the prompt's early
 * part with every keystroke). Once it settles (a pause, a save, an accept) it moves into the history and the
 * original window is the window now, so the prompt then is exactly what the next keystroke extends.
 * Pure; special tokens are segments of their own, never parsed out of the user's text (a text prompt breaks their
 * spellings in it: core/textPrompt.ts).
 */
import type { Segment } from "../repoContext";

export const SWEEP_FILE_SEP = "<|file_sep|>";
/** Where the model's rewrite ends. */
export const SWEEP_STOPS = ["<|file_sep|>", "</s>"] as const;
/** Sweep's reference clients send at most three recent edits. */
export const SWEEP_MAX_EDITS = 3;

export interface SweepPromptInput {
  /** The current file's path as the model sees it (workspace-relative). */
  path: string;
  /** Code from other files, oldest first. */
  relatedFiles: readonly { path: string; text: string }[];
  /** Recent edits, oldest first (SWEEP_MAX_EDITS at most are used). */
  edits: readonly { path: string; before: readonly string[]; after: readonly string[] }[];
  /** The window as it was before the latest edit. */
  originalWindow: string;
  /** The window now. */
  currentWindow: string;
}

function block(segments: Segment[], header: string, body: string): void {
  segments.push({ special: SWEEP_FILE_SEP }, { text: `${header}\n${body}${body.endsWith("\n") ? "" : "\n"}` });
}

export function sweepPrompt(input: SweepPromptInput): Segment[] {
  const segments: Segment[] = [];
  for (const file of input.relatedFiles) block(segments, file.path, file.text);
  for (const edit of input.edits.slice(-SWEEP_MAX_EDITS)) {
    block(segments, `${edit.path}.diff`, `original:\n${edit.before.join("\n")}\nupdated:\n${edit.after.join("\n")}`);
  }
  block(segments, `original/${input.path}`, input.originalWindow);
  block(segments, `current/${input.path}`, input.currentWindow);
  segments.push({ special: SWEEP_FILE_SEP }, { text: `updated/${input.path}\n` });
  return segments;
}

/**
 * The model's window from its rewrite, without what trails the last line. The current window's own trailing
 * whitespace (blank lines at the end of a file) is kept, since the model drops it too. The engine has already ended
 * the rewrite at the model's stop: a stop's spelling still in it is the user's code (a file that mentions
 * `<|file_sep|>`), which cutting here would turn into an edit deleting the rest of the window.
 */
export function rewrittenWindow(output: string, currentWindow: string): string {
  const core = currentWindow.trimEnd();
  return output.trimEnd() + currentWindow.slice(core.length);
}
