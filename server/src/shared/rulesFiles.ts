/**
 * Rules the user already writes for coding agents, found in the workspace and put into the agent's system prompt
 * (shown as a chip that can be turned off; their size counts against the context budget).
 */
import { minimatch } from "minimatch";

/** Files read as rules, most specific first; paths are relative to a workspace folder. */
export const RULES_FILE_PATTERNS: readonly string[] = [
  ".hearth/rules/*.md",
  "AGENTS.md",
  "CLAUDE.md",
  ".github/copilot-instructions.md",
  ".cursorrules",
];

/** The rules files among `paths` (workspace-relative, `/`-separated), in the order of RULES_FILE_PATTERNS. */
export function rulesFilesAmong(paths: readonly string[]): string[] {
  return RULES_FILE_PATTERNS.flatMap((pattern) => paths.filter((path) => minimatch(path, pattern, { dot: true })).sort());
}
