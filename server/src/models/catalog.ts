/**
 * The catalog of recommended models (catalog.json) and how a model setting is read: a catalog id, an `hf:` URI,
 * a local path, or `auto` (the catalog's pick for this machine).
 */
import { join } from "node:path";
import type { CatalogRole } from "../shared/settings";
import catalogData from "./catalog.json";
import { parseHfUri } from "./hubClient";

export interface CatalogEntry {
  id: string;
  family: string;
  /**
   * completion = a FIM base model; chat = an instruct or reasoning model; nextEdit = a next-edit model; embedding =
   * an embedder for the agent's code search.
   */
  role: CatalogRole;
  repo: string;
  file: string;
  /** Billions of parameters. */
  parameters: number;
  /** Approximate file size; the hub gives the exact one at download time. */
  sizeBytes: number;
  contextLength: number;
  license: string;
  why: string;
  /** The file's SHA-256, where the catalog pins one: a hub file that differs is refused. */
  sha256?: string;
  /** The hub revision (commit or tag) to download from; `main` when absent. */
  revision?: string;
  /** Billions of parameters working per token (mixture-of-experts models); speed follows these, not `parameters`. */
  activeParameters?: number;
  /** The FIM order the model was trained with (prefix-first when absent); the engine reads it from the vocabulary. */
  fimOrder?: "prefix-first" | "suffix-first";
  /** Embedders: the text each search query and each indexed chunk starts with, as the model card asks. */
  embeddingPrefixes?: { query: string; document: string };
  /** false: never the automatic choice (an unchecked file, a non-commercial licence, a draft-sized model, or handling still to come). */
  autoPick?: false;
  /**
   * Chat entries: the catalog id of this model's draft model for speculative decoding. Always a smaller entry of the
   * same family, because a draft's tokens are checked by id against the target's, so both need one vocabulary.
   */
  draft?: string;
}

/** The catalog entry for a hub file, if the catalog names it. */
export function catalogEntryFor(repo: string, file: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.repo === repo && entry.file === file);
}

export const CATALOG: readonly CatalogEntry[] = catalogData.models as CatalogEntry[];

/**
 * The catalog's draft model for a target (an entry or its id): undefined when it names none, or when the draft is
 * missing or of another family (another vocabulary), so a broken catalog line never pairs mismatched models.
 */
export function catalogDraftFor(target: CatalogEntry | string): CatalogEntry | undefined {
  const entry = typeof target === "string" ? CATALOG.find((candidate) => candidate.id === target) : target;
  if (entry?.draft === undefined) return undefined;
  const draft = CATALOG.find((candidate) => candidate.id === entry.draft);
  return draft?.family === entry.family ? draft : undefined;
}

export type ModelSource =
  | { kind: "path"; path: string }
  | { kind: "hub"; repo: string; file: string; path: string; entry?: CatalogEntry };

/** Where a downloaded file lives in the models directory: `<repo with / as __>/<file>`, so names never collide. */
export function downloadedPath(modelsDirectory: string, repo: string, file: string): string {
  return join(modelsDirectory, repo.replace("/", "__"), file);
}

/**
 * Reads a model setting. `auto` takes `autoPick` (the catalog's recommendation for this machine); an empty setting
 * stays a path "" (no model).
 */
export function resolveModelSource(setting: string, modelsDirectory: string, autoPick: CatalogEntry | undefined): ModelSource {
  const value = setting.trim();
  const entry = value === "auto" ? autoPick : CATALOG.find((candidate) => candidate.id === value);
  if (entry)
    return {
      kind: "hub",
      repo: entry.repo,
      file: entry.file,
      path: downloadedPath(modelsDirectory, entry.repo, entry.file),
      entry,
    };
  const hub = parseHfUri(value);
  if (hub) return { kind: "hub", ...hub, path: downloadedPath(modelsDirectory, hub.repo, hub.file) };
  return { kind: "path", path: value === "auto" ? "" : value };
}
