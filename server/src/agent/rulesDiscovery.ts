/**
 * Finds the rules files of the workspace folders (shared/rulesFiles.ts names them) and reads them, each cut to a
 * budget, secrets and ignored files refused like any other read.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RulesFile } from "../core/agent/agentPrompt";
import { rulesFilesAmong } from "../shared/rulesFiles";
import type { WorkspaceAccess } from "./workspaceAccess";
import { readTextFile } from "./workspaceAccess";

const MAX_RULES_BYTES = 16_000;
const FIXED_CANDIDATES = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".cursorrules"];

export async function discoverRules(workspace: WorkspaceAccess, disabled: readonly string[]): Promise<RulesFile[]> {
  const found: RulesFile[] = [];
  for (const folder of workspace.roots) {
    const ruleDir = await readdir(join(folder, ".hearth", "rules")).catch(() => [] as string[]);
    const candidates = rulesFilesAmong([...FIXED_CANDIDATES, ...ruleDir.map((name) => `.hearth/rules/${name}`)]);
    for (const rel of candidates) {
      if (disabled.includes(rel)) continue;
      const resolved = await workspace.resolve(join(folder, rel));
      if (!resolved.ok) continue;
      const file = await readTextFile(resolved.path, MAX_RULES_BYTES);
      if ("text" in file && file.text.trim() !== "") found.push({ path: rel, text: file.text });
    }
  }
  return found;
}
