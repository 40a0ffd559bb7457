/**
 * Search by meaning over the workspace, for callers other than Hearth's own agent: VS Code's agent reaches it through
 * the `hearth_searchCode` language model tool (client/src/lm/searchCodeTool.ts), and any LSP client may send it.
 * Part of the shared contract (see protocol.ts); it imports nothing from `vscode` or node-llama-cpp.
 *
 * It is the agent's `search_code` index (server/src/agent/tools/searchCode.ts), so it sees exactly what Hearth's agent
 * sees: the workspace folders only, never a secrets file, a git-ignored file or `hearth.privacy.excludedFiles`.
 */
import { RequestType } from "vscode-languageserver-protocol";

/** Most hits a caller may ask for; the default is {@link MEANING_SEARCH_DEFAULT_RESULTS}. */
export const MEANING_SEARCH_MAX_RESULTS = 20;
export const MEANING_SEARCH_DEFAULT_RESULTS = 8;

export interface MeaningSearchParams {
  /** What to look for, in words ("where are the retry delays computed"); an identifier works too. */
  query: string;
  /** How many hits, 1 to {@link MEANING_SEARCH_MAX_RESULTS}. Default {@link MEANING_SEARCH_DEFAULT_RESULTS}. */
  maxResults?: number;
}

/** One chunk of a file, best first. */
export interface MeaningSearchHit {
  uri: string;
  /** Relative to its workspace folder, for display. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The chunk's lines (cut when very long, saying so). */
  text: string;
}

export interface MeaningSearchResult {
  hits: MeaningSearchHit[];
  /**
   * Whether the ranking used the embedding model. False when `hearth.agent.embeddingModel` is empty or the embedder
   * failed: the hits then match the query's words only, and `notice` says why and what to do.
   */
  byMeaning: boolean;
  /** Something the caller should pass on: why search by meaning is off and how to turn it on, the index's cap. */
  notice?: string;
}

/**
 * Client → server request `hearth/search/meaning`: the workspace chunks nearest the query, by embedding similarity fused
 * with BM25 when an embedding model is set (by words alone otherwise). The index is brought up to date first (built on
 * first use; the first search of a large workspace embeds its files, so it takes a while). Read-only. Cancellable.
 * Errors: InvalidParams for a malformed query.
 */
export namespace MeaningSearchRequest {
  export const method = "hearth/search/meaning";
  export const type = new RequestType<MeaningSearchParams, MeaningSearchResult, void>(method);
}
