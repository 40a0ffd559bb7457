/**
 * Finds the rules files of the workspace folders (shared/rulesFiles.ts names them) and reads them, each cut to a
 * budget, secrets and ignored files refused like any other read.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RulesFile } from "../core/agent/agentPrompt";
import { FIXED_RULES_FILES, RULES_FOLDER, rulesFilesOf } from "../shared/rulesFiles";
import type { WorkspaceAccess } from "./workspaceAccess";
import { readTextFile } from "./workspaceAccess";

const MAX_RULES_BYTES = 16_000;

export async function discoverRules(workspace: WorkspaceAccess, disabled: readonly string[]): Promise<RulesFile[]> {
  const found: RulesFile[] = [];
  for (const folder of workspace.roots) {
    const ruleDir = await readdir(join(folder, ...RULES_FOLDER.split("/"))).catch(() => [] as string[]);
    // Every fixed name is tried (a missing one fails to read): the chat view's chips list the same candidates.
    const candidates = rulesFilesOf(FIXED_RULES_FILES, ruleDir);
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
