/**
 * search_code: ranked search over the workspace. Literal (or /regex/) matches with their lines, and a BM25 index of
 * code chunks (MiniSearch) for questions in words. The index is built on first use and kept up to date by each
 * file's modification time at every search, so edits are found at once; secrets and ignored files never enter it.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import MiniSearch, { type SearchResult } from "minisearch";
import { type LineMatcher, searchPattern } from "../../core/agent/searchPattern";
import { codeTokens, prefixFor, searchTerms } from "../../core/agent/searchTerms";
import { cutToBudget } from "../../core/agent/toolBudget";
import { type AgentTool, parameters, toolError } from "../tool";
import { readTextFile, type WorkspaceAccess } from "../workspaceAccess";
import { type LineScan, type LineSource, SCAN_LIMITS, type ScanLimits, scanLines } from "./lineScan";

const CHUNK_LINES = 40;
const MAX_INDEXED_FILES = 5_000;
const MAX_INDEXED_BYTES = 300_000;
const MAX_RESULTS = 8;
const MAX_EMBEDDED_CHUNKS = 4_000;
/** Reciprocal rank fusion's usual constant: a rank's weight is 1 / (k + rank). */
const RRF_K = 60;

export type Embed = (texts: readonly string[], kind: "query" | "document", signal: AbortSignal) => Promise<number[][]>;

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

export interface Chunk {
  id: string;
  /** The file's absolute path. */
  path: string;
  /** Relative to its workspace folder. */
  file: string;
  startLine: number;
  text: string;
}

/** A bounded search in words (core/agent/searchTerms.ts says why): distinct terms, short ones matched whole. */
function termSearch(search: MiniSearch<Chunk>, text: string): SearchResult[] {
  const { terms } = searchTerms(text);
  if (terms.length === 0) return [];
  return search.search(terms.join(" "), {
    tokenize: (joined) => joined.split(" "),
    processTerm: (term) => term,
    prefix: prefixFor,
    fuzzy: false,
    combineWith: "OR",
  });
}

export class CodeIndex {
  private readonly search = new MiniSearch<Chunk>({
    fields: ["text", "file"],
    storeFields: ["path", "file", "startLine", "text"],
    tokenize: codeTokens,
    processTerm: (term) => term,
  });
  private readonly files = new Map<string, { mtimeMs: number; chunks: string[] }>();
  /** Embedding vectors by chunk id, for the model they were made with. */
  private vectors = new Map<string, number[]>();
  private vectorModel = "";
  /** The refresh running now: searches may come at once (an agent's parallel calls), and each file is indexed once. */
  private refreshing: Promise<unknown> = Promise.resolve();

  /** Brings the index up to date with the workspace: new and changed files indexed, removed ones dropped. */
  refresh(workspace: WorkspaceAccess): Promise<{ indexed: number; more: boolean }> {
    const run = this.refreshing.then(() => this.refreshNow(workspace));
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(workspace: WorkspaceAccess): Promise<{ indexed: number; more: boolean }> {
    const seen = new Set<string>();
    let more = false;
    for (const folder of workspace.roots) {
      const walked = await workspace.walk({ folder, relative: "" }, MAX_INDEXED_FILES);
      more ||= walked.more;
      for (const rel of walked.files) {
        const path = join(folder, rel);
        seen.add(path);
        const info = await stat(path).catch(() => undefined);
        const known = this.files.get(path);
        if (!info || (known && known.mtimeMs === info.mtimeMs)) continue;
        if (known) this.discard(known.chunks);
        const file = await readTextFile(path, MAX_INDEXED_BYTES);
        const chunks = "text" in file ? this.chunksOf(path, rel, file.text) : [];
        this.search.addAll(chunks);
        this.files.set(path, { mtimeMs: info.mtimeMs, chunks: chunks.map((chunk) => chunk.id) });
      }
    }
    for (const [path, known] of this.files) {
      if (seen.has(path)) continue;
      this.discard(known.chunks);
      this.files.delete(path);
    }
    return { indexed: this.files.size, more };
  }

  query(text: string, limit = MAX_RESULTS): Chunk[] {
    return termSearch(this.search, text).slice(0, limit) as unknown as Chunk[];
  }

  /**
   * BM25 and embedding similarity fused by reciprocal rank: the chunks missing a vector are embedded first (up to a
   * budget), so edits are searched by meaning at once too.
   */
  async hybrid(text: string, model: string, embed: Embed, signal: AbortSignal, limit = MAX_RESULTS): Promise<Chunk[]> {
    if (model !== this.vectorModel) {
      this.vectors = new Map();
      this.vectorModel = model;
    }
    const ids = [...this.files.values()].flatMap((file) => file.chunks).slice(0, MAX_EMBEDDED_CHUNKS);
    const missing = ids.filter((id) => !this.vectors.has(id));
    for (let start = 0; start < missing.length; start += 32) {
      const batch = missing.slice(start, start + 32);
      const texts = batch.map((id) => (this.search.getStoredFields(id) as unknown as Chunk).text);
      const vectors = await embed(texts, "document", signal);
      for (const [i, id] of batch.entries()) this.vectors.set(id, vectors[i]);
    }
    // The query as cut for the terms: an endless query is not embedded whole either.
    const [queryVector] = await embed([searchTerms(text).text], "query", signal);
    const byMeaning = ids
      .map((id) => ({ id, score: cosine(queryVector, this.vectors.get(id) ?? []) }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score)
      .map((entry) => entry.id);
    const byTerms = termSearch(this.search, text).map((result) => String(result.id));
    const fused = new Map<string, number>();
    for (const ranking of [byTerms, byMeaning])
      for (const [rank, id] of ranking.entries()) fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1));
    return [...fused]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([id]) => this.search.getStoredFields(id) as unknown as Chunk);
  }

  private discard(ids: readonly string[]): void {
    this.search.discardAll(ids);
    for (const id of ids) this.vectors.delete(id);
  }

  /** Every indexed line `matcher` matches, the thread given back between slices (see lineScan). */
  lines(matcher: LineMatcher, signal: AbortSignal, limits?: ScanLimits): Promise<LineScan> {
    // A snapshot of the chunk ids: another search's refresh may change the index while this one waits its turn.
    const ids = [...this.files.values()].flatMap((file) => file.chunks);
    const search = this.search;
    function* sources(): Generator<LineSource> {
      for (const id of ids) {
        const chunk = search.getStoredFields(id) as unknown as Chunk | undefined;
        if (chunk) yield chunk;
      }
    }
    return scanLines(sources(), matcher, signal, limits);
  }

  private chunksOf(path: string, rel: string, text: string): Chunk[] {
    const lines = text.split("\n");
    const chunks: Chunk[] = [];
    for (let start = 0; start < lines.length; start += CHUNK_LINES) {
      chunks.push({
        id: `${path}#${start}`,
        path,
        file: rel,
        startLine: start + 1,
        text: lines.slice(start, start + CHUNK_LINES).join("\n"),
      });
    }
    return chunks;
  }
}

/** With an embedding model set, search by meaning as well as by terms. */
export interface SemanticSearch {
  model: () => string;
  embed: Embed;
}

/**
 * The chunks most relevant to `query`: by meaning and terms with an embedding model, by terms without one or when the
 * embedder fails (`unavailable` then says why, with the engine's fix: download the embedder, fix the setting).
 */
export async function rankedChunks(
  index: CodeIndex,
  query: string,
  semantic: SemanticSearch | undefined,
  signal: AbortSignal,
  limit = MAX_RESULTS,
): Promise<{ ranked: Chunk[]; byMeaning: boolean; unavailable?: string }> {
  const model = semantic?.model() ?? "";
  if (!semantic || model === "") return { ranked: index.query(query, limit), byMeaning: false };
  try {
    return { ranked: await index.hybrid(query, model, semantic.embed, signal, limit), byMeaning: true };
  } catch (error) {
    if (signal.aborted) throw error;
    const fix = (error as { fix?: unknown }).fix;
    const reason = `${error instanceof Error ? error.message : String(error)}${typeof fix === "string" ? ` ${fix}` : ""}`;
    return { ranked: index.query(query, limit), byMeaning: false, unavailable: reason };
  }
}

export function searchCodeTool(index: CodeIndex, semantic?: SemanticSearch): AgentTool {
  return {
    readOnly: true,
    spec: {
      name: "search_code",
      description:
        "Search the workspace's code. Give an identifier or exact text to find the lines that contain it, /a regex/ (RE2 syntax: no lookahead or backreferences) for a pattern, or a few words to find the most relevant code.",
      parameters: parameters({ query: { type: "string", description: "Text, an identifier, /regex/, or words" } }),
    },
    async run(args, { workspace, signal }) {
      const query = String(args.query).trim();
      if (query === "") return toolError("search_code", "The query is empty.");
      const pattern = searchPattern(query);
      if ("problem" in pattern) return toolError("search_code", pattern.problem);
      const { more } = await index.refresh(workspace);
      const scan = await index.lines(pattern.matcher, signal);
      const parts: string[] = [];
      if (scan.counted > 0) {
        const count = `${scan.capped ? "more than " : ""}${scan.counted}`;
        parts.push(`${count} matching line${scan.counted === 1 ? "" : "s"}:`);
        parts.push(...scan.kept.map((match) => `${match.file}:${match.line}: ${match.text}`));
        const left = scan.counted - scan.kept.length;
        if (left > 0) parts.push(`… ${scan.capped ? "more than " : ""}${left} more matching lines`);
      } else if (!scan.timedOut) {
        const { ranked, unavailable } = await rankedChunks(index, query, semantic, signal);
        // The engine's errors say what to do (download the embedder, fix the setting): the user reads the result too.
        if (unavailable) parts.push(`(search by meaning is unavailable: ${unavailable})`);
        const { cut } = searchTerms(query);
        if (cut) parts.push(`(${cut})`);
        if (ranked.length > 0) parts.push("No line contains that exactly; the most relevant code:");
        for (const chunk of ranked) parts.push(`--- ${chunk.file}:${chunk.startLine}\n${chunk.text}`);
      }
      if (scan.tooLong > 0)
        parts.push(
          `(${scan.tooLong} line${scan.tooLong === 1 ? " was" : "s were"} too long to search with this pattern (over ` +
            `${pattern.matcher.maxLineChars} characters): a simpler pattern or the literal text searches them)`,
        );
      if (scan.timedOut)
        parts.push(
          `(the search stopped after ${SCAN_LIMITS.budgetMs / 1000} s, before the end of the workspace: narrow the pattern)`,
        );
      if (parts.length === 0) parts.push(`Nothing in the workspace matches ${query}.`);
      if (more) parts.push(`(only the first ${MAX_INDEXED_FILES} files are indexed)`);
      return { content: cutToBudget(parts.join("\n")), summary: `search_code ${query}: ${scan.counted} matching lines` };
    },
  };
}
