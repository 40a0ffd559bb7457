/**
 * Turns a model setting into a file on disk: a local path as it is; a catalog id, `hf:` URI or `auto` into its place
 * in the models directory (downloaded only on the user's say-so, through ModelDownloadRequest).
 */
import { existsSync } from "node:fs";
import { freemem, homedir } from "node:os";
import { dirname, join } from "node:path";
import type {
  LocatedModel as EngineLocatedModel,
  LocateDraftModel,
  LocateEmbeddingModel,
  LocateModel,
} from "../engine/modelEngine";
import { cpuOnlyHardware, type Hardware } from "../shared/protocol";
import { type CatalogRole, type HearthSettings, nextEditModelSetting } from "../shared/settings";
import { type CatalogEntry, catalogDraftFor, catalogEntryFor, type ModelSource, resolveModelSource } from "./catalog";
import { draftFits, memoryNeeded, type Recommendation, recommend } from "./fit";
import { resolveHubEndpoint } from "./hubClient";

export interface LocatedModel extends EngineLocatedModel {
  /** Set when the model comes from the hub and is not downloaded yet. */
  missingDownload?: { repo: string; file: string; sizeBytes?: number; entry?: CatalogEntry };
}

export class ModelLocator {
  private recommendation: Promise<Recommendation> | undefined;

  /** The client's default models directory (the extension's storage), once it has said. */
  defaultDirectory: string | undefined;

  constructor(private readonly hardware: () => Promise<Hardware>) {}

  directory(settings: HearthSettings): string {
    return settings.models.directory || this.defaultDirectory || join(homedir(), ".cache", "hearth", "models");
  }

  /**
   * VS Code's chat's saved prompt states, beside the models folder the VS Code client names (its storage). Only
   * VS Code's chat uses them: without that client (other editors, tests, benchmarks) nothing is saved.
   */
  prefixCacheDirectory(): string | undefined {
    return this.defaultDirectory && join(dirname(this.defaultDirectory), "prefix-cache");
  }

  endpoint(settings: HearthSettings): string {
    return resolveHubEndpoint(settings.models.endpoint);
  }

  recommend(): Promise<Recommendation> {
    this.recommendation ??= this.hardware()
      .catch(() => cpuOnlyHardware(freemem()))
      .then(recommend);
    return this.recommendation;
  }

  /** The local engine's view: a role's model setting, resolved. */
  readonly locateRole: LocateModel = (role, settings) => {
    // Next edits in the instruct format with no model of their own use the chat model, `auto` included.
    if (role === "nextEdit" && settings.nextEdit.model === "" && nextEditModelSetting(settings) !== "")
      return this.locate(settings.chat.model, "chat", settings);
    return this.locate(settings[role].model, role, settings);
  };

  async locate(setting: string, role: CatalogRole, settings: HearthSettings): Promise<LocatedModel> {
    // The catalog recommends completion and chat models; a next-edit model or an embedder is the user's choice.
    const recommends = role === "completion" || role === "chat";
    const auto = setting.trim() === "auto" && recommends ? (await this.recommend())[role] : undefined;
    const source: ModelSource = resolveModelSource(setting, this.directory(settings), auto);
    if (source.kind === "path") return { path: source.path };
    const entry = source.entry ?? catalogEntryFor(source.repo, source.file);
    // A catalog embedder brings the prefixes its card asks for.
    const located = { path: source.path, embeddingPrefixes: entry?.embeddingPrefixes };
    if (existsSync(source.path)) return located;
    return { ...located, missingDownload: { repo: source.repo, file: source.file, sizeBytes: entry?.sizeBytes, entry } };
  }

  /**
   * hearth.chat.draftModel, resolved like a role's model; `auto` is the catalog's pair for the chat model when the chat
   * model is a catalog entry and both fit this machine (fit.ts, beside the recommended completion model); "" is none.
   */
  readonly locateDraft: LocateDraftModel = async (settings) => {
    const setting = settings.chat.draftModel.trim();
    if (setting === "") return undefined;
    if (setting !== "auto") return this.locate(setting, "chat", settings);
    const recommendation = await this.recommend();
    const chat = this.catalogEntryOf(settings.chat.model, recommendation.chat, settings);
    const draft = chat && catalogDraftFor(chat);
    if (!chat || !draft || !(await this.draftFitsBeside(chat, draft))) return undefined;
    return this.locate(draft.id, "chat", settings);
  };

  /** Whether `draft` fits beside the chat model `chat` and the recommended completion model (what `auto` asks). */
  async draftFitsBeside(chat: CatalogEntry, draft: CatalogEntry): Promise<boolean> {
    const recommendation = await this.recommend();
    const hardware = await this.hardware().catch(() => cpuOnlyHardware(freemem()));
    const completion = recommendation.completion;
    const used = completion ? memoryNeeded(completion) : 0;
    const gpu = hardware.backend !== "cpu";
    return draftFits(chat, draft, hardware, gpu ? used : 0, gpu ? 0 : used);
  }

  /** The catalog entry a model setting names (an id, `auto`, or an `hf:` URI of a catalog file), if any. */
  private catalogEntryOf(
    setting: string,
    autoPick: CatalogEntry | undefined,
    settings: HearthSettings,
  ): CatalogEntry | undefined {
    const source = resolveModelSource(setting, this.directory(settings), autoPick);
    if (source.kind === "path") return undefined;
    return source.entry ?? catalogEntryFor(source.repo, source.file);
  }

  /** hearth.agent.embeddingModel, resolved like a role's model. */
  readonly locateEmbedding: LocateEmbeddingModel = (settings) =>
    this.locate(settings.agent.embeddingModel, "embedding", settings);

  isDownloaded(settings: HearthSettings, entry: CatalogEntry): boolean {
    return existsSync(resolveModelSource(entry.id, this.directory(settings), undefined).path);
  }
}
