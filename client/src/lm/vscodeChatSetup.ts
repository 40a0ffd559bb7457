/**
 * "Hearth: Use Hearth in VS Code's Chat": says which of VS Code's settings its chat needs to run on Hearth's model
 * without a GitHub account (chatSetupPlan.ts), writes them to the user settings only after the user presses the
 * modal's button, then opens VS Code's chat with Hearth's model selected.
 *
 * The confirmation and the opening of the chat are parameters of `useHearthInVsCodeChat`, so the extension-host test
 * runs this very function with a scripted answer; the command itself always passes the real modal and takes no
 * arguments, so nothing can run it without asking.
 */
// The ES module build: the default (UMD) one loads its parts with a require() a bundle cannot follow.
import { applyEdits, modify, type ParseError, parse, printParseErrorCode } from "jsonc-parser/lib/esm/main.js";
import * as vscode from "vscode";
import {
  type ChatSetupPlan,
  chatSetupPlan,
  describeWrites,
  type SettingState,
  type SettingWrite,
  VSCODE_CHAT_SETTINGS,
  type VsCodeChatSetting,
} from "./chatSetupPlan";
import { LM_VENDOR } from "./lmProvider";

export const WRITE_SETTINGS_BUTTON = "Write Settings";

/**
 * Written into the user settings file itself: VS Code 1.139 keeps `chat.allowAnonymousAccess` out of its configuration
 * registry (`included: false`), and `WorkspaceConfiguration.update` refuses to write an unregistered key, though VS
 * Code reads it from the file. The others go through `update`.
 */
const WRITTEN_TO_FILE: ReadonlySet<string> = new Set([VSCODE_CHAT_SETTINGS.allowAnonymousAccess]);

export interface ChatSetupDependencies {
  /** Shows `message` and `detail`; true only when the user pressed the button that writes. */
  confirm(message: string, detail: string): Thenable<boolean>;
  /** Opens VS Code's chat, with the model when there is one. */
  openChat(model: { vendor: string; id: string } | undefined): Thenable<unknown>;
  /** The user settings file: the one `ConfigurationTarget.Global` writes. */
  userSettingsFile: vscode.Uri;
}

/**
 * The real ones: a modal whose only yes is an explicit button (Escape and Cancel are no), VS Code's chat, and the
 * user settings file beside the extension's global storage (`<profile>/globalStorage/<extension>` and
 * `<profile>/settings.json`).
 */
export function userDependencies(globalStorageUri: vscode.Uri): ChatSetupDependencies {
  return {
    confirm: async (message, detail) =>
      (await vscode.window.showInformationMessage(message, { modal: true, detail }, WRITE_SETTINGS_BUTTON)) ===
      WRITE_SETTINGS_BUTTON,
    // Verified in VS Code 1.139.1: the chat's open action takes a `modelSelector` and selects the first match.
    openChat: (model) =>
      vscode.commands.executeCommand("workbench.action.chat.open", model ? { modelSelector: model } : undefined),
    userSettingsFile: vscode.Uri.joinPath(globalStorageUri, "..", "..", "settings.json"),
  };
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).replace(/^\uFEFF/, "");
}

/**
 * The user settings file's text, "" when there is none yet. Any other failure to read it is an error: writing over
 * a file that could not be read would lose the user's settings.
 */
async function readSettingsText(uri: vscode.Uri): Promise<string> {
  try {
    return await readText(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === "FileNotFound") return "";
    throw error;
  }
}

/** The settings in `text`; throws, saying where, when it doesn't parse (an edit could then garble the user's file). */
function parseSettings(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parse(text.trim() === "" ? "{}" : text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const line = text.slice(0, errors[0].offset).split("\n").length;
    throw new Error(
      `your user settings.json has an error on line ${line} (${printParseErrorCode(errors[0].error)}): fix it, then run Use Hearth in VS Code's Chat again`,
    );
  }
  return (value ?? {}) as Record<string, unknown>;
}

function stateOf(fileSettings: Record<string, unknown>): (key: VsCodeChatSetting) => SettingState {
  return (key) => {
    const inspected = vscode.workspace.getConfiguration().inspect(key);
    return {
      user: WRITTEN_TO_FILE.has(key) ? fileSettings[key] : inspected?.globalValue,
      effective: vscode.workspace.getConfiguration().get(key),
      overriddenByWorkspace: inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined,
    };
  };
}

/** What the user is told and asked. */
export function confirmationText(plan: ChatSetupPlan): { message: string; detail: string } {
  const detail = [
    "VS Code's Chat, Agent and inline chat, commit messages and chat titles can run on Hearth's model, on this " +
      "machine, without a GitHub account. Hearth will write these to your user settings:",
    "",
    describeWrites(plan.writes),
    ...(plan.warnings.length > 0 ? ["", ...plan.warnings] : []),
    "",
    "Nothing else is changed. Inline suggestions and next edits stay Hearth's own.",
  ].join("\n");
  return { message: "Use Hearth in VS Code's Chat?", detail };
}

/** Writes the plan: the file's keys into the file (comments and layout kept), then the rest through `update`. */
async function writeSettings(writes: readonly SettingWrite[], file: vscode.Uri): Promise<void> {
  const inFile = writes.filter((write) => WRITTEN_TO_FILE.has(write.key));
  if (inFile.length > 0) {
    const before = await readSettingsText(file);
    parseSettings(before);
    const formattingOptions = { insertSpaces: true, tabSize: 2, eol: before.includes("\r\n") ? "\r\n" : "\n" };
    let text = before.trim() === "" ? "{}" : before;
    for (const write of inFile) text = applyEdits(text, modify(text, [write.key], write.value, { formattingOptions }));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
  }
  const configuration = vscode.workspace.getConfiguration();
  const rest = writes.filter((write) => !WRITTEN_TO_FILE.has(write.key));
  for (const write of rest) await configuration.update(write.key, write.value, vscode.ConfigurationTarget.Global);
  // Each update reads the file again, the line written above included; with none, rewrite one value as it is, so VS
  // Code reads it now rather than when its file watcher notices (code-server's may never).
  if (rest.length === 0) {
    const key = VSCODE_CHAT_SETTINGS.disableAIFeatures;
    await configuration.update(key, configuration.inspect(key)?.globalValue, vscode.ConfigurationTarget.Global);
  }
}

/** Returns the settings written (none when declined). */
export async function useHearthInVsCodeChat(dependencies: ChatSetupDependencies): Promise<string[]> {
  const file = dependencies.userSettingsFile;
  // An update would save the user's unsaved edits of the file too: theirs to keep or drop first.
  if (vscode.workspace.textDocuments.some((document) => document.uri.path === file.path && document.isDirty)) {
    void vscode.window.showErrorMessage(
      "Hearth: your user settings.json has unsaved changes: save or revert them, then run Use Hearth in VS Code's Chat again.",
    );
    return [];
  }
  let fileSettings: Record<string, unknown>;
  try {
    fileSettings = parseSettings(await readSettingsText(file));
  } catch (error) {
    void vscode.window.showErrorMessage(`Hearth: ${error instanceof Error ? error.message : String(error)}.`);
    return [];
  }
  const [model] = await vscode.lm.selectChatModels({ vendor: LM_VENDOR });
  const selector = model ? { vendor: model.vendor, id: model.id } : undefined;
  const plan = chatSetupPlan(stateOf(fileSettings), selector);
  if (plan.writes.length > 0) {
    const { message, detail } = confirmationText(plan);
    if (!(await dependencies.confirm(message, detail))) return [];
    try {
      await writeSettings(plan.writes, file);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Hearth: writing your user settings failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    }
  } else if (plan.warnings.length > 0) void vscode.window.showWarningMessage(`Hearth: ${plan.warnings.join(" ")}`);
  try {
    await dependencies.openChat(selector);
  } catch (error) {
    void vscode.window.showWarningMessage(
      `Hearth: the settings are in place, but VS Code's chat did not open (${error instanceof Error ? error.message : String(error)}). ` +
        "Open it from the title bar's chat icon (or View → Chat) and pick Hearth's model in its model picker.",
    );
  }
  return plan.writes.map((write) => write.key);
}
