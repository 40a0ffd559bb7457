/**
 * Requests shaped like the ones VS Code's agent sends a language model chat provider: a long system prompt and
 * 40 tools with JSON schemas, identical in every request of every conversation (VS Code's come to ~38,000
 * characters in code-server 4.139.1; these to ~40,000), then the conversation's own messages. The text is made up; its size and
 * layout are what matter to the KV cache.
 */
import type { LmMessage, LmTool } from "../server/src/shared/lmProtocol";

const TOOL_NAMES = [
  "read_file",
  "list_dir",
  "create_file",
  "create_directory",
  "replace_string_in_file",
  "multi_replace_string_in_file",
  "insert_edit_into_file",
  "apply_patch",
  "file_search",
  "grep_search",
  "semantic_search",
  "list_code_usages",
  "get_errors",
  "get_changed_files",
  "run_in_terminal",
  "get_terminal_output",
  "terminal_last_command",
  "terminal_selection",
  "create_and_run_task",
  "run_task",
  "get_task_output",
  "run_tests",
  "test_failure",
  "fetch_webpage",
  "open_simple_browser",
  "github_repo",
  "get_vscode_api",
  "install_extension",
  "vscode_searchExtensions",
  "create_new_workspace",
  "get_project_setup_info",
  "create_new_jupyter_notebook",
  "edit_notebook_file",
  "run_notebook_cell",
  "read_notebook_cell_output",
  "copilot_getNotebookSummary",
  "manage_todo_list",
  "runSubagent",
  "think",
  "memory",
];

const SENTENCES = [
  "You are an expert programming assistant working inside the user's editor, with tools to read and change files.",
  "Follow the user's requirements carefully and to the letter, and keep your answers short and impersonal.",
  "When a task needs context you do not have, gather it with the tools before you answer or edit anything.",
  "Prefer reading large ranges of a file at once over many small reads, and never guess at a file's contents.",
  "Do not repeat yourself after a tool call; continue from where you left off, and say what changed at the end.",
  "When you edit files, keep the surrounding code intact and include enough context for the edit to be unambiguous.",
  "Run the project's tests after a change when a test command is known, and fix what the change broke.",
  "Never print secrets, credentials or the contents of environment files, even when a tool result contains them.",
  "Use the terminal only for commands the user would expect; explain a command before running anything destructive.",
  "Answer in Markdown; wrap file names and symbols in backticks and link files by their workspace-relative path.",
];

/** About 20,000 characters of instructions, the same every time. */
export function agentSystemPrompt(): string {
  const sections: string[] = [];
  for (let section = 0; section < 18; section++) {
    const lines = SENTENCES.map((_, index) => SENTENCES[(index + section) % SENTENCES.length]);
    sections.push(`<instructions id="${section}">\n${lines.join("\n")}\n</instructions>`);
  }
  return sections.join("\n");
}

/** 40 tools of about 500 characters each, with schemas like VS Code's. */
export function agentTools(): LmTool[] {
  return TOOL_NAMES.map((name, index) => ({
    name,
    description: `${SENTENCES[index % SENTENCES.length]} Use ${name} when the task calls for it.`,
    inputSchema: {
      type: "object",
      properties: {
        filePath: { type: "string", description: "The absolute path to work on." },
        query: { type: "string", description: "What to look for." },
        explanation: { type: "string", description: "Why this tool is used." },
        ...(index % 3 === 0 ? { startLine: { type: "number", description: "The 1-based line to start at." } } : {}),
      },
      required: ["explanation"],
    },
  }));
}

/** A file's text as a read tool would return it, ~1,500 characters. */
export function toolResultText(name: string): string {
  const lines = [`// ${name}`];
  for (let i = 0; i < 40; i++) lines.push(`export const setting${i} = parseSetting("key${i}", ${i});`);
  return lines.join("\n");
}

/** One conversation's requests: the question, then the question with one tool round trip. */
export function conversation(question: string, file: string): LmMessage[][] {
  const system: LmMessage = { role: "system", text: agentSystemPrompt() };
  const user: LmMessage = { role: "user", text: question };
  const call = { id: `call_${file}`, name: "read_file", arguments: { filePath: `/workspace/${file}`, explanation: "Read it." } };
  return [
    [system, user],
    [
      system,
      user,
      { role: "assistant", text: "", toolCalls: [call] },
      { role: "user", text: "", toolResults: [{ callId: call.id, content: toolResultText(file) }] },
    ],
  ];
}

/** A utility request between conversations (VS Code asks for a chat title with its own short prompt, no tools). */
export function titleRequest(question: string): LmMessage[] {
  return [
    { role: "system", text: "You are an expert in crafting pithy titles for chatbot conversations. Reply with the title only." },
    { role: "user", text: `Write a title for this conversation: ${question}` },
  ];
}
