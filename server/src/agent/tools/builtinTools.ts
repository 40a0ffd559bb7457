/**
 * Hearth's own agent tools, in the order the model is told about them: the reading ones first.
 */
import type { AgentTool } from "../tool";
import { runCommandTool } from "./commandTool";
import { createFileTool, editFileTool } from "./editTools";
import { languageTools } from "./languageTools";
import { findFilesTool, listDirectoryTool, readFileTool } from "./readTools";
import { type CodeIndex, type SemanticSearch, searchCodeTool } from "./searchCode";

export function builtinTools(index: CodeIndex, semantic?: SemanticSearch): AgentTool[] {
  return [
    readFileTool,
    listDirectoryTool,
    findFilesTool,
    searchCodeTool(index, semantic),
    ...languageTools,
    editFileTool,
    createFileTool,
    runCommandTool,
  ];
}
