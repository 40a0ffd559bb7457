/**
 * "Generate Commit Message": the prompt from a diff, with secrets files' sections taken out first (the server
 * refuses them as context too), and the model's reply cleaned into a message. Pure.
 */
import { isSensitiveFile } from "./sensitiveFiles";

/** The most of a diff the prompt carries; a longer one is cut at a file boundary, and the prompt says so. */
export const COMMIT_DIFF_CHARS = 12_000;

export interface CommitDiff {
  diff: string;
  /** Files whose sections were left out because they are secrets files. */
  secretFiles: string[];
  /** Files left out because the diff was too long. */
  cutFiles: string[];
}

/** Splits a `git diff` into per-file sections, drops secrets files, and keeps it within COMMIT_DIFF_CHARS. */
export function commitDiff(diff: string, excludedFiles: readonly string[] = []): CommitDiff {
  const sections = diff.split(/^(?=diff --git )/m).filter((section) => section.trim() !== "");
  const secretFiles: string[] = [];
  const cutFiles: string[] = [];
  const kept: string[] = [];
  let size = 0;
  for (const section of sections) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/m.exec(section);
    const path = header?.[2] ?? header?.[1] ?? "";
    if (header && (isSensitiveFile(path, excludedFiles) || isSensitiveFile(header[1], excludedFiles))) {
      secretFiles.push(path);
      continue;
    }
    if (size + section.length > COMMIT_DIFF_CHARS && kept.length > 0) {
      cutFiles.push(path);
      continue;
    }
    kept.push(section.slice(0, COMMIT_DIFF_CHARS));
    size += section.length;
  }
  return { diff: kept.join(""), secretFiles, cutFiles };
}

export function commitMessagePrompt(change: CommitDiff): string {
  const omitted = change.cutFiles.length > 0 ? `\n\n(${change.cutFiles.length} more changed files are not shown.)` : "";
  return (
    "Write a git commit message for this change: a summary line of at most 72 characters in the imperative mood, " +
    "then, if the change needs it, a blank line and a short body. Reply with only the message.\n\n" +
    `\`\`\`diff\n${change.diff}\`\`\`${omitted}`
  );
}

/** The message in a model's reply: the inside of a code block if it used one, without quotes around it. */
export function cleanCommitMessage(reply: string): string {
  const fenced = /```[\w-]*\n([\s\S]*?)```/.exec(reply);
  const text = (fenced ? fenced[1] : reply).trim();
  return text.replace(/^(["'`])([\s\S]*)\1$/, "$2").trim();
}
