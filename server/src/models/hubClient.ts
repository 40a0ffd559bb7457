/**
 * The two Hugging Face Hub endpoints Hearth uses: a repository's file list (size and the LFS SHA-256 of each
 * file) and a file's download URL. The endpoint is configurable, so mirrors and tests on 127.0.0.1 work.
 */

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

export interface HubFile {
  path: string;
  size: number;
  /** The SHA-256 the hub publishes for an LFS file (its LFS oid); undefined for small non-LFS files. */
  sha256?: string;
}

export interface HubLocation {
  endpoint: string;
  repo: string;
  file: string;
  revision?: string;
}

/** The endpoint to use: the setting, else HF_ENDPOINT, else huggingface.co (no trailing slash). */
export function resolveHubEndpoint(setting: string | undefined, environment: NodeJS.ProcessEnv = process.env): string {
  const chosen = setting?.trim() || environment.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  return chosen.replace(/\/+$/, "");
}

export function downloadUrl(location: HubLocation): string {
  const file = location.file.split("/").map(encodeURIComponent).join("/");
  return `${location.endpoint}/${location.repo}/resolve/${encodeURIComponent(location.revision ?? "main")}/${file}`;
}

/** Parses `hf:user/repo/file.gguf` (or `hf:user/repo:file.gguf`) into a repository and a file. */
export function parseHfUri(uri: string): { repo: string; file: string } | undefined {
  const match = /^hf:([^/\s:]+\/[^/\s:]+)[/:](.+\.gguf)$/i.exec(uri.trim());
  return match ? { repo: match[1], file: match[2] } : undefined;
}

export class HubError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = "HubError";
  }
}

/** Looks a file up in the repository's file list. */
export async function fetchHubFile(location: HubLocation, token: string | undefined, signal: AbortSignal): Promise<HubFile> {
  const url = `${location.endpoint}/api/models/${location.repo}/tree/${encodeURIComponent(location.revision ?? "main")}`;
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new HubError(
      `Can't reach ${location.endpoint} (${error instanceof Error ? error.message : String(error)}).`,
      "Check the network, or set hearth.models.endpoint to a mirror.",
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new HubError(
      `${location.repo} needs permission (HTTP ${response.status}).`,
      "Accept the model's licence on its page and run Hearth: Set Hugging Face Token.",
    );
  }
  if (response.status === 404)
    throw new HubError(`${location.repo} was not found on ${location.endpoint}.`, "Check the model name or the hub endpoint.");
  if (!response.ok) throw new HubError(`The hub answered HTTP ${response.status} for ${location.repo}.`, "Try again later.");
  const entries = (await response.json()) as Array<{ path?: string; size?: number; lfs?: { oid?: string; size?: number } }>;
  const entry = Array.isArray(entries) ? entries.find((item) => item.path === location.file) : undefined;
  if (!entry || typeof entry.size !== "number")
    throw new HubError(
      `${location.file} is not in ${location.repo}.`,
      "Check the file name (quantisation) in the catalog or the hf: URI.",
    );
  return { path: location.file, size: entry.lfs?.size ?? entry.size, sha256: entry.lfs?.oid };
}
