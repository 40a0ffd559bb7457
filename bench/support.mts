/** What the benchmarks share: summary statistics, a pause, and a real VS Code with the packaged extension. */
import { CodeServerSession } from "../test/ui/codeServerSession";
import { packageVsix, provisionedTools } from "../test/ui/setup";

/** The median; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile (0–100). */
export function percentile(values: number[], rank: number): number {
  return [...values].sort((a, b) => a - b)[Math.ceil((rank / 100) * values.length) - 1];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** code-server + headless Chromium with the VSIX installed, these user settings, and these workspace files. */
export function startEditor(settings: Record<string, unknown>, files: Record<string, string>): Promise<CodeServerSession> {
  return CodeServerSession.start({ tools: provisionedTools(), vsix: packageVsix(), settings, files });
}
