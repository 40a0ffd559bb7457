/**
 * Renders cross-file context in the model family's repository-level format, as segments: special tokens by their
 * spelling (looked up in the vocabulary, never parsed out of file text) and plain text. Pure.
 *
 * - Qwen2.5-Coder: `<|repo_name|>name\n<|file_sep|>path\ncode\n…<|file_sep|>current-path\n` then the FIM prompt.
 * - StarCoder2: `<repo_name>name<file_sep>path\ncode\n…<file_sep>current-path\n` then the FIM prompt.
 * - DeepSeek-Coder (no repository tokens): each file as a path comment line and its code, then the current path.
 */

import type { ContextChunk } from "./contextStore";
import type { FimTokens } from "./fimFormats";

/**
 * A prompt part: a special token by id (never parsed out of text), or text. `orText`: the special token where the
 * vocabulary has one, else its spelling as text (a format's markers that a fine-tune may or may not have added).
 */
export type Segment = { special: string; orText?: boolean } | { text: string };

const REPO_TOKENS = {
  qwen: { repoName: "<|repo_name|>", fileSep: "<|file_sep|>" },
  starcoder: { repoName: "<repo_name>", fileSep: "<file_sep>" },
} as const;

/** Every repository-level special token spelling, for engines that must look them up ahead of time. */
export const REPOSITORY_TOKENS: readonly string[] = Object.values(REPO_TOKENS).flatMap((tokens) => [
  tokens.repoName,
  tokens.fileSep,
]);

/** Segments as one string (for servers that take a text prompt and parse its special tokens themselves). */
export function segmentsAsText(segments: readonly Segment[]): string {
  return segments.map((segment) => ("special" in segment ? segment.special : segment.text)).join("");
}

/** A line comment for a path header, by file extension (DeepSeek's format has no special tokens). */
export function commentFor(path: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? "";
  if (["py", "rb", "sh", "bash", "zsh", "r", "pl", "yaml", "yml", "toml", "jl", "ex", "exs", "nim", "cmake"].includes(extension))
    return "#";
  if (["lua", "sql", "hs", "elm", "ada"].includes(extension)) return "--";
  if (["lisp", "clj", "scm", "el"].includes(extension)) return ";";
  return "//";
}

export function renderRepoContext(
  family: FimTokens["family"],
  repoName: string,
  chunks: readonly ContextChunk[],
  currentPath: string,
): Segment[] {
  if (chunks.length === 0) return [];
  // Mellum reads StarCoder's repository tokens; the other families get them only where their vocabulary has them.
  const repoFamily = family === "mellum" ? "starcoder" : family;
  if (repoFamily === "qwen" || repoFamily === "starcoder") {
    const tokens = REPO_TOKENS[repoFamily];
    const separator = repoFamily === "qwen" ? "\n" : "";
    const segments: Segment[] = [{ special: tokens.repoName }, { text: `${repoName}${separator}` }];
    for (const chunk of chunks) segments.push({ special: tokens.fileSep }, { text: `${chunk.path}\n${chunk.text}\n` });
    segments.push({ special: tokens.fileSep }, { text: `${currentPath}\n` });
    return segments;
  }
  // DeepSeek-Coder and unknown families: path comments, which any code model reads.
  const comment = commentFor(currentPath);
  const text = chunks.map((chunk) => `${commentFor(chunk.path)} ${chunk.path}\n${chunk.text}\n`).join("\n");
  return [{ text: `${text}\n${comment} ${currentPath}\n` }];
}

/**
 * The context as token ids: special tokens by id (never parsed out of file text), text tokenized as text. No
 * context at all (an empty list) when the vocabulary lacks the family's repository tokens, rather than a wrong one.
 */
export async function contextTokens(
  family: FimTokens["family"],
  input: { repoName: string; currentPath: string; chunks: readonly ContextChunk[] },
  specialId: (spelling: string) => number | undefined,
  tokenize: (text: string) => readonly number[] | Promise<readonly number[]>,
): Promise<number[]> {
  const tokens: number[] = [];
  for (const segment of renderRepoContext(family, input.repoName, input.chunks, input.currentPath)) {
    if ("special" in segment) {
      const id = specialId(segment.special);
      if (id === undefined) return [];
      tokens.push(id);
    } else if (segment.text !== "") tokens.push(...(await tokenize(segment.text)));
  }
  return tokens;
}
