/**
 * "Generate Commit Message": the prompt from a diff, with secrets files' sections taken out first (the server
 * refuses them as context too), and the model's reply cleaned into a message. A section is judged by every path it
 * may be about (diffSections.ts reads git's quoted names and every prefix setting); one whose paths can't be read is
 * left out too, so a header this code misreads never lets a secret through. Pure.
 */
import { diffSections } from "./diffSections";
import { isSensitiveFile } from "./sensitiveFiles";

/** The most of a diff the prompt carries; a longer one is cut at a file boundary, and the prompt says so. */
export const COMMIT_DIFF_CHARS = 12_000;

export interface CommitDiff {
  diff: string;
  /** Files whose sections were left out because they are secrets files. */
  secretFiles: string[];
  /** Files left out because the diff was too long. */
  cutFiles: string[];
  /** Sections left out because no path could be read from them (so they can't be known not to be secrets). */
  unreadableSections: number;
}

/** Splits a `git diff` into per-file sections, drops secrets files, and keeps it within COMMIT_DIFF_CHARS. */
export function commitDiff(diff: string, excludedFiles: readonly string[] = []): CommitDiff {
  const secretFiles: string[] = [];
  const cutFiles: string[] = [];
  const kept: string[] = [];
  let unreadableSections = 0;
  let size = 0;
  for (const section of diffSections(diff)) {
    if (section.paths.length === 0) {
      unreadableSections++;
      continue;
    }
    const name = section.name ?? section.paths[0];
    if (section.paths.some((path) => isSensitiveFile(path, excludedFiles))) {
      secretFiles.push(name);
      continue;
    }
    if (size + section.text.length > COMMIT_DIFF_CHARS && kept.length > 0) {
      cutFiles.push(name);
      continue;
    }
    kept.push(section.text.slice(0, COMMIT_DIFF_CHARS));
    size += section.text.length;
  }
  return { diff: kept.join(""), secretFiles, cutFiles, unreadableSections };
}

export function commitMessagePrompt(change: CommitDiff): string {
  const hidden = change.cutFiles.length + change.unreadableSections;
  const omitted = hidden > 0 ? `\n\n(${hidden} more changed files are not shown.)` : "";
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
