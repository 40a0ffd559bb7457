/**
 * The prompts for "Fix with Hearth" and "Explain with Hearth". Pure.
 */
import type { ChatContextItem } from "./chatProtocol";

export interface CodeTarget {
  /** Workspace-relative path or file name, for the model and the labels. */
  path: string;
  languageId: string;
  /** The code to fix or explain. */
  code: string;
  /** 1-based first and last line of `code`. */
  firstLine: number;
  lastLine: number;
  /** Lines around the code, for context (bounded by the caller). */
  before: string;
  after: string;
  /** The diagnostic being fixed, if any. */
  diagnostic?: string;
  /** What the user asked for ("Fix with Hearth…"). */
  instruction?: string;
}

export function fixMessage(target: CodeTarget): { content: string; context: ChatContextItem[] } {
  const problem = target.instruction
    ? `Change it as follows: ${target.instruction}`
    : target.diagnostic
      ? `It has this problem: ${target.diagnostic}`
      : "Fix any bugs in it.";
  return {
    content:
      `Here is ${target.languageId} code from ${target.path}, lines ${target.firstLine}-${target.lastLine}:\n\n` +
      `\`\`\`${target.languageId}\n${target.code}\n\`\`\`\n\n${problem}\n\n` +
      "Reply with only the corrected replacement for exactly those lines, in one fenced code block, keeping the indentation. No explanation.",
    context: [
      {
        label: `${target.path} (around lines ${target.firstLine}-${target.lastLine})`,
        languageId: target.languageId,
        text: `${target.before}\n/* … the lines to change … */\n${target.after}`,
      },
    ],
  };
}

export function explainMessage(target: CodeTarget): { content: string; context: ChatContextItem[] } {
  const about = target.diagnostic ? ` Explain this problem and how to fix it: ${target.diagnostic}` : "";
  return {
    content: `Explain what this code from ${target.path} (lines ${target.firstLine}-${target.lastLine}) does.${about}`,
    context: [
      { label: `${target.path}:${target.firstLine}-${target.lastLine}`, languageId: target.languageId, text: target.code },
    ],
  };
}
