/**
 * The catalog listing and model downloads, for the client's model picker. A download starts only on the client's
 * request, which it sends only after the user agreed.
 */

import { freemem } from "node:os";
import type { Connection } from "vscode-languageserver";
import { estimateMemoryBytes } from "../engine/local/memoryEstimate";
import { type Feature, withAbortSignal } from "../feature";
import { actionableError, HearthErrorCodes } from "../shared/errors";
import {
  CatalogRequest,
  cpuOnlyHardware,
  type Hardware,
  type ModelDownloadParams,
  ModelDownloadProgressNotification,
  ModelDownloadRequest,
} from "../shared/protocol";
import type { HearthSettings } from "../shared/settings";
import { CATALOG, catalogDraftFor, catalogEntryFor, downloadedPath } from "./catalog";
import { downloadModel } from "./downloader";
import { fitOf, memoryNeeded } from "./fit";
import { downloadUrl, fetchHubFile, HubError } from "./hubClient";
import type { ModelLocator } from "./modelLocator";

interface Dependencies {
  connection: Connection;
  locator: ModelLocator;
  hardware: () => Promise<Hardware>;
  settings: () => HearthSettings;
  ready: Promise<void>;
  /** Called after a download finishes, so a model waiting for the file loads. */
  onDownloaded(): void;
}

export function registerModels(deps: Dependencies): Feature {
  const { connection, locator } = deps;

  connection.onRequest(CatalogRequest.type, async () => {
    await deps.ready;
    const settings = deps.settings();
    const hardware = await deps.hardware().catch(() => cpuOnlyHardware(freemem()));
    const recommendation = await locator.recommend();
    return {
      hardware,
      recommended: {
        completion: recommendation.completion?.id,
        chat: recommendation.chat?.id,
        chatOnDemand: recommendation.chatOnDemand,
      },
      models: await Promise.all(
        CATALOG.map(async (entry) => {
          const downloaded = locator.isDownloaded(settings, entry);
          const pair = catalogDraftFor(entry);
          const measured = downloaded
            ? await estimateMemoryBytes(downloadedPath(locator.directory(settings), entry.repo, entry.file))
            : undefined;
          return {
            id: entry.id,
            role: entry.role,
            repo: entry.repo,
            file: entry.file,
            parameters: entry.parameters,
            sizeBytes: entry.sizeBytes,
            memoryBytes: Math.round(memoryNeeded(entry, measured)),
            why: entry.why,
            license: entry.license,
            fit: fitOf(entry, hardware, 0, 0, measured),
            downloaded,
            draft: entry.draft,
            draftFits: pair ? await locator.draftFitsBeside(entry, pair) : undefined,
          };
        }),
      ),
      modelsDirectory: locator.directory(settings),
      endpoint: locator.endpoint(settings),
    };
  });

  connection.onRequest(ModelDownloadRequest.type, (params, token) =>
    withAbortSignal(token, (signal) => download(params, signal)),
  );

  async function download(params: ModelDownloadParams, signal: AbortSignal): Promise<{ path: string }> {
    await deps.ready;
    const settings = deps.settings();
    const entry = catalogEntryFor(params.repo, params.file);
    const location = { endpoint: locator.endpoint(settings), repo: params.repo, file: params.file, revision: entry?.revision };
    try {
      const info = await fetchHubFile(location, params.token, signal);
      const pinned = entry?.sha256;
      if (pinned && info.sha256 && pinned !== info.sha256.toLowerCase())
        throw new HubError(
          `The hub's ${params.file} is not the file Hearth's catalog names (its SHA-256 differs), so it was not downloaded.`,
          "The publisher replaced the file: pick the model again after updating Hearth, or use an hf: URI for the new file.",
        );
      const destination = downloadedPath(locator.directory(settings), params.repo, params.file);
      let lastSent = 0;
      await downloadModel({
        url: downloadUrl(location),
        destination,
        expectedSize: info.size,
        expectedSha256: pinned ?? info.sha256,
        token: params.token,
        signal: signal,
        onProgress: (progress) => {
          const now = performance.now();
          if (now - lastSent < 200 && progress.receivedBytes < progress.totalBytes) return;
          lastSent = now;
          void connection.sendNotification(ModelDownloadProgressNotification.type, {
            repo: params.repo,
            file: params.file,
            ...progress,
          });
        },
      });
      deps.onDownloaded();
      return { path: destination };
    } catch (error) {
      if (signal.aborted)
        throw actionableError(HearthErrorCodes.cancelled, "The download was cancelled; it resumes where it stopped next time.");
      if (error instanceof HubError) throw actionableError(HearthErrorCodes.download, error.message, { fix: error.fix });
      throw actionableError(
        HearthErrorCodes.download,
        `The download failed: ${error instanceof Error ? error.message : String(error)}`,
        { fix: "Try again." },
      );
    }
  }

  // Custom requests only: nothing to declare in the initialize result.
  return { capabilities: {} };
}
