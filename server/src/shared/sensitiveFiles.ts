/**
 * Files whose contents never go to a model: secrets and credentials. The server checks every input that names a
 * file (completion, next edits, chat context items, fix targets, cross-file context); the client checks too, so
 * nothing is even sent. Pure; patterns are globs matched against the whole path.
 */
import { minimatch } from "minimatch";
import { actionableError, HearthErrorCodes } from "./errors";

/** Never read as context or completed in, whatever the settings add. */
export const DEFAULT_SENSITIVE_PATTERNS: readonly string[] = [
  // Environment files and private keys.
  "**/.env",
  "**/.env.*",
  "**/.envrc",
  "**/*.pem",
  "**/*.key",
  "**/*.p12",
  "**/*.pfx",
  "**/*.keystore",
  "**/*.jks",
  "**/*.kdbx",
  "**/*.gpg",
  "**/id_rsa*",
  "**/id_dsa*",
  "**/id_ecdsa*",
  "**/id_ed25519*",
  // Credentials that tools keep in the home folder or the project.
  "**/.npmrc",
  "**/.pypirc",
  "**/.netrc",
  "**/_netrc",
  "**/.git-credentials",
  "**/.pgpass",
  "**/.htpasswd",
  "**/.vault-token",
  "**/.docker/config.json",
  "**/.kube/config",
  "**/kubeconfig",
  "**/.config/gh/hosts.yml",
  "**/auth.json",
  "**/.aws/**",
  "**/.ssh/**",
  "**/.gnupg/**",
  // Files named for what they hold.
  "**/secrets/**",
  "**/secret.*",
  "**/secrets.*",
  "**/*.secret",
  "**/*.secrets",
  "**/credentials",
  "**/credentials.*",
  "**/*-credentials.*",
  "**/*_credentials.*",
  "**/application_default_credentials.json",
  "**/*service-account*.json",
  "**/*service_account*.json",
  // Infrastructure state and variables, which carry secrets in plain text.
  "**/*.tfvars",
  "**/*.tfvars.json",
  "**/*.tfstate",
  "**/*.tfstate.*",
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

/** The file a chat context item names: its URI's path, else its label without a `:10-24` line range. */
export function contextItemPath(item: { label: string; uri?: string }): string {
  return item.uri ? uriPath(item.uri) : item.label.replace(/:\d+(-\d+)?$/, "");
}

/**
 * Any client may send any file: a chat or agent turn whose context carries a secrets file is refused here, whatever
 * the client checked.
 */
export function refuseSecretContext(items: readonly { label: string; uri?: string }[], extraPatterns: readonly string[]): void {
  const secret = items.find((item) => isSensitiveFile(contextItemPath(item), extraPatterns));
  if (secret)
    throw actionableError(
      HearthErrorCodes.secretsFile,
      `${secret.label} is a secrets file, and Hearth never sends one to a model.`,
      {
        fix: "Remove it from the chat's context.",
      },
    );
}
