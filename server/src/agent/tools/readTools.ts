/**
 * The tools that read: read_file (with a line range), list_directory and find_files (a glob), all inside the
 * workspace folders and through WorkspaceAccess's checks.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { minimatch } from "minimatch";
import { cutToBudget } from "../../core/agent/toolBudget";
import { type AgentTool, parameters, toolError } from "../tool";
import { readTextFile } from "../workspaceAccess";

/** A file larger than this is searched, not read. */
export const MAX_READ_BYTES = 1_000_000;
const MAX_LISTED_FILES = 2_000;

export const readFileTool: AgentTool = {
  readOnly: true,
  spec: {
    name: "read_file",
    description:
      "Read a text file of the workspace. Lines come numbered. Give startLine and endLine (1-based) to read part of a long file, or null for the whole file.",
    parameters: parameters({
      path: { type: "string", description: "Path relative to the workspace folder, e.g. src/main.ts" },
      startLine: { type: "integer?", description: "First line to read, or null" },
      endLine: { type: "integer?", description: "Last line to read, or null" },
    }),
  },
  async run(args, { workspace }) {
    const path = String(args.path);
    const resolved = await workspace.resolve(path);
    if (!resolved.ok) return toolError("read_file", resolved.reason);
    const file = await readTextFile(resolved.path, MAX_READ_BYTES);
    if ("error" in file) return toolError("read_file", `${path}: ${file.error}`);
    const lines = file.text.split("\n");
    const start = Math.max(1, Number(args.startLine ?? 1));
    const end = Math.min(lines.length, Number(args.endLine ?? lines.length));
    if (start > lines.length) return toolError("read_file", `${path} has only ${lines.length} lines.`);
    const numbered = lines.slice(start - 1, end).map((line, index) => `${start + index}: ${line}`);
    return {
      content: cutToBudget(`${resolved.relative} (lines ${start}-${end} of ${lines.length})\n${numbered.join("\n")}`),
      summary: `read_file ${resolved.relative}: lines ${start}-${end} of ${lines.length}`,
    };
  },
};

export const listDirectoryTool: AgentTool = {
  readOnly: true,
  spec: {
    name: "list_directory",
    description: 'List the files and folders in a folder of the workspace. Use "." for the workspace folder itself.',
    parameters: parameters({ path: { type: "string", description: 'Folder relative to the workspace, e.g. "." or "src"' } }),
  },
  async run(args, { workspace }) {
    const path = String(args.path || ".");
    const resolved = await workspace.resolve(path);
    if (!resolved.ok) return toolError("list_directory", resolved.reason);
    const entries = await readdir(resolved.path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) return toolError("list_directory", `${path} is not a folder.`);
    const names: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = resolved.relative === "" ? entry.name : `${resolved.relative}/${entry.name}`;
      const checked = await workspace.resolve(join(resolved.folder, rel));
      if (!checked.ok) continue;
      names.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
    }
    return {
      content: cutToBudget(names.length === 0 ? "(empty)" : names.join("\n")),
      summary: `list_directory ${resolved.relative || "."}: ${names.length} entries`,
    };
  },
};

export const findFilesTool: AgentTool = {
  readOnly: true,
  spec: {
    name: "find_files",
    description: "Find files of the workspace whose path matches a glob, e.g. **/*.test.ts or src/**/config*.",
    parameters: parameters({ glob: { type: "string", description: "A glob pattern relative to the workspace folder" } }),
  },
  async run(args, { workspace }) {
    const glob = String(args.glob);
    const matches: string[] = [];
    let more = false;
    for (const folder of workspace.roots) {
      const walked = await workspace.walk({ folder, relative: "" }, MAX_LISTED_FILES);
      more ||= walked.more;
      const pattern = glob.includes("/") ? glob : `**/${glob}`;
      matches.push(...walked.files.filter((file) => minimatch(file, pattern, { dot: true, nocase: true })));
    }
    const note = more ? `\n(only the first ${MAX_LISTED_FILES} files of the workspace were searched)` : "";
    return {
      content: cutToBudget(matches.length === 0 ? `No file matches ${glob}.${note}` : `${matches.join("\n")}${note}`),
      summary: `find_files ${glob}: ${matches.length} files`,
    };
  },
};
