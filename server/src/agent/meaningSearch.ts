/**
 * `hearth/search/meaning` (shared/searchProtocol.ts): the agent's search_code index answering callers outside Hearth's
 * agent, VS Code's agent above all (the `hearth_searchCode` tool). It is the same index and the same
 * `WorkspaceAccess`, so secrets files, git-ignored files and `hearth.privacy.excludedFiles` never enter it, exactly as
 * for Hearth's own agent; the only difference is the answer's shape (hits, not text for a small model).
 */
import { pathToFileURL } from "node:url";
import type { Connection } from "vscode-languageserver";
import { withAbortSignal } from "../feature";
import { isCount, isString, optional, requireParams } from "../paramChecks";
import {
  MEANING_SEARCH_DEFAULT_RESULTS,
  MEANING_SEARCH_MAX_RESULTS,
  type MeaningSearchHit,
  type MeaningSearchParams,
  MeaningSearchRequest,
  type MeaningSearchResult,
} from "../shared/searchProtocol";
import { type Chunk, type CodeIndex, rankedChunks, type SemanticSearch } from "./tools/searchCode";
import type { WorkspaceAccess } from "./workspaceAccess";

/** A hit's text at most: a chunk is 40 lines, but one minified line could be a whole file. */
const MAX_HIT_CHARS = 4_000;

export interface MeaningSearchDependencies {
  connection: Connection;
  index: CodeIndex;
  semantic: SemanticSearch;
  /** A fresh view of the workspace (the folders and excluded files as they are now). */
  workspace: () => WorkspaceAccess;
  ready: Promise<void>;
}

export function registerMeaningSearch({ connection, index, semantic, workspace, ready }: MeaningSearchDependencies): void {
  connection.onRequest(MeaningSearchRequest.type, (params, token) => {
    requireParams(MeaningSearchRequest.method, params, { query: isString, maxResults: optional(isCount) });
    return withAbortSignal(token, (signal) => search(params, signal));
  });

  async function search(params: MeaningSearchParams, signal: AbortSignal): Promise<MeaningSearchResult> {
    await ready;
    const query = params.query.trim();
    if (query === "") return { hits: [], byMeaning: false, notice: "The query is empty: say what to look for." };
    const limit = Math.min(Math.max(params.maxResults ?? MEANING_SEARCH_DEFAULT_RESULTS, 1), MEANING_SEARCH_MAX_RESULTS);
    const access = workspace();
    if (access.roots.length === 0)
      return { hits: [], byMeaning: false, notice: "No folder is open, so there is nothing to search." };
    const { more } = await index.refresh(access);
    const { ranked, byMeaning, unavailable } = await rankedChunks(index, query, semantic, signal, limit);
    const notices: string[] = [];
    if (unavailable) notices.push(`Search by meaning failed, so these hits match the query's words only: ${unavailable}`);
    else if (!byMeaning)
      notices.push(
        "Search by meaning is off, so these hits match the query's words only: pick an embedding model with " +
          "Hearth: Select Model… → Embedding model (bge-small-en-v1.5 is 37 MB), or set hearth.agent.embeddingModel.",
      );
    if (more) notices.push("Only the first 5,000 files of the workspace are indexed.");
    const hits = ranked.map(hitOf);
    return { hits, byMeaning, ...(notices.length > 0 ? { notice: notices.join(" ") } : {}) };
  }
}

function hitOf(chunk: Chunk): MeaningSearchHit {
  const text = chunk.text.replace(/\n+$/, "");
  const cut =
    text.length > MAX_HIT_CHARS ? `${text.slice(0, MAX_HIT_CHARS)}… (${text.length - MAX_HIT_CHARS} more characters)` : text;
  return {
    uri: pathToFileURL(chunk.path).href,
    path: chunk.file,
    startLine: chunk.startLine,
    endLine: chunk.startLine + text.split("\n").length - 1,
    text: cut,
  };
}
