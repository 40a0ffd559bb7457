/**
 * What the `hearth_searchCode` tool tells VS Code's agent, as plain text: each hit's absolute path and line range
 * (what VS Code's own file tools take) and its lines fenced, best first, cut to the caller's budget. Pure, no `vscode`.
 */
import { fileURLToPath } from "node:url";
import type { MeaningSearchResult } from "../../../server/src/shared/searchProtocol";

/** VS Code's rough rule for text without a tokenizer; only used to fit a budget the caller gave. */
const CHARS_PER_TOKEN = 4;

/** A fence longer than any run of backticks in `text`, so a snippet can't end it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

function pathOf(uri: string, fallback: string): string {
  try {
    return fileURLToPath(uri);
  } catch {
    return fallback;
  }
}

/** The result as text for a model; `tokenBudget` (when VS Code gives one) bounds it, whole hits only. */
export function searchResultText(query: string, result: MeaningSearchResult, tokenBudget?: number): string {
  const how = result.byMeaning ? "by meaning" : "by words";
  const head: string[] = [];
  if (result.hits.length === 0) head.push(`Hearth's search ${how} found nothing in the workspace for "${query}".`);
  else
    head.push(
      `Hearth's search ${how} found ${result.hits.length} place${result.hits.length === 1 ? "" : "s"} for "${query}", most relevant first:`,
    );
  if (result.notice) head.push(`(${result.notice})`);
  const maxChars = tokenBudget !== undefined && tokenBudget > 0 ? tokenBudget * CHARS_PER_TOKEN : Number.POSITIVE_INFINITY;
  let text = head.join("\n");
  let left = 0;
  for (const hit of result.hits) {
    const fence = fenceFor(hit.text);
    const block = `\n\n${pathOf(hit.uri, hit.path)}:${hit.startLine}-${hit.endLine}\n${fence}\n${hit.text}\n${fence}`;
    if (left > 0 || text.length + block.length > maxChars) left++;
    else text += block;
  }
  if (left > 0) text += `\n\n(${left} more hit${left === 1 ? "" : "s"} left out to fit the token budget)`;
  return text;
}
