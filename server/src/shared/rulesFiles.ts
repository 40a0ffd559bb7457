/**
 * Rules the user already writes for coding agents, found in the workspace and put into the agent's system prompt
 * (shown as a chip that can be turned off; their size counts against the context budget). The server reads them and
 * the chat view lists them by the same names, so that every file the model is given has its chip: both look each
 * fixed name up by opening it (the file system resolves its case, as a read does) and list the rules folder, with
 * no exclude settings and no cap in between.
 */
import { minimatch } from "minimatch";

/** The folder (relative to a workspace folder) whose every `.md` file is a rules file. */
export const RULES_FOLDER = ".hearth/rules";

/** The rules files with fixed names, relative to a workspace folder. */
export const FIXED_RULES_FILES: readonly string[] = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".cursorrules"];

/** Files read as rules, most specific first; paths are relative to a workspace folder. */
export const RULES_FILE_PATTERNS: readonly string[] = [`${RULES_FOLDER}/*.md`, ...FIXED_RULES_FILES];

/** The rules files among `paths` (workspace-relative, `/`-separated), in the order of RULES_FILE_PATTERNS. */
export function rulesFilesAmong(paths: readonly string[]): string[] {
  return RULES_FILE_PATTERNS.flatMap((pattern) => paths.filter((path) => minimatch(path, pattern, { dot: true })).sort());
}

/**
 * A workspace folder's rules files, in the order they are read: the fixed names that exist and the rules folder's
 * entries (its file names as listed) that are rules files. Duplicates are dropped.
 */
export function rulesFilesOf(existingFixed: readonly string[], rulesFolderNames: readonly string[]): string[] {
  const fixed = existingFixed.filter((path) => FIXED_RULES_FILES.includes(path));
  return [...new Set(rulesFilesAmong([...fixed, ...rulesFolderNames.map((name) => `${RULES_FOLDER}/${name}`)]))];
}
