/**
 * Files whose contents never go to a model: secrets and credentials. Checked before completing in a file and before
 * attaching a file as chat context. Pure; patterns are globs matched against the whole path and the file name.
 */
import { minimatch } from "minimatch";

/** Never read as context or completed in, whatever the settings add. */
export const DEFAULT_SENSITIVE_PATTERNS: readonly string[] = [
  "**/.env",
  "**/.env.*",
  "**/*.pem",
  "**/*.key",
  "**/*.p12",
  "**/*.pfx",
  "**/id_rsa*",
  "**/id_ecdsa*",
  "**/id_ed25519*",
  "**/.npmrc",
  "**/.pypirc",
  "**/.netrc",
  "**/.git-credentials",
  "**/.aws/**",
  "**/.ssh/**",
  "**/secrets/**",
];

/** Whether the file at `path` (a file system path or a URI's path) must stay away from the model. */
export function isSensitiveFile(path: string, extraPatterns: readonly string[] = []): boolean {
  const normalized = path.replace(/\\/g, "/");
  return [...DEFAULT_SENSITIVE_PATTERNS, ...extraPatterns].some((pattern) =>
    minimatch(normalized, pattern, { dot: true, nocase: true }),
  );
}

/** The path part of a document URI, decoded, for matching. */
export function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
