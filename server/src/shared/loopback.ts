/**
 * Whether a URL points at this machine. Pure, shared with the client: the client warns about plain http:// to any
 * other host, and the server explains that "localhost" is where the language server runs.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "[::1]", "::1"]);

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** True for a URL that would carry code unencrypted to another machine. */
export function isPlainHttpToAnotherHost(url: string): boolean {
  return /^http:\/\//i.test(url.trim()) && !isLoopbackUrl(url.trim());
}
