/**
 * The chat view: a webview in Hearth's own activity-bar container, answered by the language server's chat model.
 * Conversations are saved after every turn (a stopped or failed reply too), so nothing typed is lost.
 */
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { describeError, readResponseError } from "../../../server/src/shared/errors";
import {
  type ChatContextItem,
  type ChatDelta,
  type ChatMode,
  ChatSendRequest,
  type ChatSendResult,
  type Conversation,
  type EngineStatus,
  type ExtensionToWebview,
  type WebviewToExtension,
} from "../../../server/src/shared/protocol";
import { FIXED_RULES_FILES, RULES_FOLDER, rulesFilesOf } from "../../../server/src/shared/rulesFiles";
import { undoTurnEdits } from "../agent/agentHandlers";
import { readConfig } from "../config";
import type { HearthClient } from "../hearthClient";
import type { InlineReviews } from "../review/inlineReviews";
import { runAgentTurn } from "./agentTurn";
import { ChatContext } from "./chatContext";
import { ChatHistoryStore } from "./chatHistoryStore";
import { chatHtml } from "./chatHtml";
import { applyWithReview, insertAtCursor, PROPOSAL_SCHEME, ProposalContentProvider } from "./codeBlockActions";

export const CHAT_VIEW_ID = "hearth.chatView";
const MODE_KEY = "hearth.chat.mode";
const DISABLED_RULES_KEY = "hearth.agent.disabledRules";

function newConversation(): Conversation {
  return { id: randomUUID(), title: "", createdAt: Date.now(), turns: [] };
}

export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly store: ChatHistoryStore;
  private conversation: Conversation;
  private running: vscode.CancellationTokenSource | undefined;
  private chatStatus: EngineStatus | undefined;
  /** Proposed texts for diff editors (Apply with auto save on, the agent's new files). */
  readonly proposals = new ProposalContentProvider();
  private readonly context: ChatContext;
  private readonly disposables: vscode.Disposable[] = [];
  /** The workspace's rules files (workspace-relative), found when the view asks for its state. */
  private rules: string[] = [];

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly hearth: HearthClient,
    private readonly reviews: InlineReviews,
  ) {
    this.store = new ChatHistoryStore(extension.workspaceState);
    this.conversation = this.store.latest() ?? newConversation();
    this.context = new ChatContext((labels) => this.post({ type: "context", labels }));
    this.disposables.push(
      this.context,
      this.proposals,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this.proposals),
      hearth.onChatDelta((delta) => this.onDelta(delta)),
      hearth.onStatus((status) => {
        if (status.role !== "chat") return;
        this.chatStatus = status;
        this.postState();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.chat.model")) this.postState();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.postState()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extension.extensionUri, "media"),
        vscode.Uri.joinPath(this.extension.extensionUri, "dist"),
      ],
    };
    view.webview.html = chatHtml(view.webview, this.extension.extensionUri);
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: WebviewToExtension) => void this.onMessage(message)),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  /** Reveals the view and focuses its input. */
  async show(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  /** Asks a question with given context in the current conversation (Explain), showing the view. */
  async ask(text: string, context: ChatContextItem[]): Promise<void> {
    await this.show();
    if (this.running) {
      void vscode.window.showInformationMessage("Hearth: the chat is still answering; stop it or wait, then try again.");
      return;
    }
    await this.send(text, context);
  }

  addSelection(editor: vscode.TextEditor): void {
    this.context.addSelection(editor);
  }

  private post(message: ExtensionToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  private problem(): { message: string; setting?: string; download?: boolean } | undefined {
    const model = readConfig().chat.model;
    if (model.trim() === "")
      return { message: "No chat model is set. Choose a .gguf instruct or reasoning model.", setting: "hearth.chat.model" };
    if (this.chatStatus?.state === "error") {
      return {
        message: `${this.chatStatus.message ?? "The chat model failed."} ${this.chatStatus.fix ?? ""}`.trim(),
        setting: this.chatStatus.setting,
      };
    }
    return undefined;
  }

  private modelLabel(): string | undefined {
    const status = this.chatStatus;
    if (!status?.model) return undefined;
    const state =
      status.state === "loading" && status.progress !== undefined
        ? `loading ${Math.round(status.progress * 100)}%`
        : status.state;
    return `${status.model} · ${state}`;
  }

  private postState(): void {
    this.post({
      type: "state",
      conversation: this.conversation,
      history: this.store
        .all()
        .map(({ id, title, createdAt }) => ({ id, title, createdAt }))
        .reverse(),
      context: this.context.labels(),
      busy: this.running !== undefined,
      model: this.modelLabel(),
      problem: this.problem(),
      mode: this.mode,
      rules: this.rules.map((path) => ({ path, enabled: !this.disabledRules.includes(path) })),
      readOnly: !vscode.workspace.isTrusted,
    });
  }

  private get mode(): ChatMode {
    return this.extension.workspaceState.get<ChatMode>(MODE_KEY, "ask");
  }

  private get disabledRules(): string[] {
    return this.extension.workspaceState.get<string[]>(DISABLED_RULES_KEY, []);
  }

  /** Finds the rules files again (they may have been added since), then tells the page. */
  private async refreshRules(): Promise<void> {
    // An untrusted workspace's rules files are never given to the model (the server refuses them too): no chips.
    const folders = vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []) : [];
    const found = await Promise.all(folders.map((folder) => rulesFilesIn(folder.uri)));
    this.rules = [...new Set(found.flat())];
    this.postState();
  }

  private async onMessage(message: WebviewToExtension): Promise<void> {
    switch (message.type) {
      case "ready":
        this.postState();
        return this.refreshRules();
      case "setMode":
        await this.extension.workspaceState.update(MODE_KEY, message.mode);
        if (message.mode === "agent") await this.refreshRules();
        else this.postState();
        return;
      case "toggleRule": {
        const disabled = this.disabledRules;
        const next = disabled.includes(message.path)
          ? disabled.filter((path) => path !== message.path)
          : [...disabled, message.path];
        await this.extension.workspaceState.update(DISABLED_RULES_KEY, next);
        this.postState();
        return;
      }
      case "undoTurn": {
        const turn = this.conversation.turns[message.index];
        if (!turn?.checkpoint || turn.undone || this.running) return;
        if (await undoTurnEdits(turn.checkpoint)) {
          turn.undone = true;
          await this.store.save(this.conversation);
          this.postState();
        }
        return;
      }
      case "send":
        return this.send(message.text);
      case "stop":
        this.running?.cancel();
        return;
      case "newChat":
        this.running?.cancel();
        this.conversation = newConversation();
        this.postState();
        return;
      case "openChat": {
        const found = this.store.get(message.id);
        if (found && !this.running) this.conversation = found;
        this.postState();
        return;
      }
      case "deleteHistory": {
        const answer = await vscode.window.showWarningMessage(
          "Delete all Hearth chats of this workspace?",
          { modal: true },
          "Delete",
        );
        if (answer !== "Delete") return;
        await this.store.clear();
        this.conversation = newConversation();
        this.postState();
        return;
      }
      case "removeContext":
        this.context.remove(message.label);
        return;
      case "pickContext":
        return this.context.pick();
      case "copyCode":
        await vscode.env.clipboard.writeText(message.code);
        vscode.window.setStatusBarMessage("Hearth: code copied", 2000);
        return;
      case "insertCode":
        return insertAtCursor(this.context.lastEditor, message.code);
      case "applyCode":
        return applyWithReview(this.context.lastEditor, message.code, this.proposals, this.reviews);
      case "downloadModel":
        if (this.chatStatus) await this.hearth.downloadFor(this.chatStatus);
        return;
      case "openSetting":
        await vscode.commands.executeCommand("workbench.action.openSettings", message.setting);
        return;
    }
  }

  private onDelta(delta: ChatDelta): void {
    if (this.running && delta.chatId === this.conversation.id) this.post({ type: "delta", delta });
  }

  private async send(text: string, explicitContext?: ChatContextItem[]): Promise<void> {
    const client = this.hearth.languageClient;
    if (this.running || !client) return;
    const conversation = this.conversation;
    const { items, unreadable } = explicitContext ? { items: explicitContext, unreadable: [] } : await this.context.items();
    conversation.turns.push({ role: "user", content: text, context: items.map((item) => item.label) });
    if (conversation.title === "") conversation.title = text.replace(/\s+/g, " ").slice(0, 60);
    await this.store.save(conversation); // the question is kept even if the reply never comes
    const running = new vscode.CancellationTokenSource();
    this.running = running;
    this.postState();
    if (unreadable.length > 0) this.post({ type: "notice", text: `Could not read ${unreadable.join(", ")}; sent without it.` });
    const messages = conversation.turns
      .filter((turn) => !turn.note || turn.content !== "")
      .map((turn) => ({ role: turn.role, content: turn.content }));
    try {
      if (this.mode === "agent") {
        const { turn } = await runAgentTurn({
          client,
          hearth: this.hearth,
          chatId: conversation.id,
          messages,
          context: items,
          readOnly: !vscode.workspace.isTrusted,
          disabledRules: this.disabledRules,
          token: running.token,
          post: (message) => this.post(message),
        });
        conversation.turns.push(turn);
        this.context.clearPicked();
        return;
      }
      const result: ChatSendResult = await client.sendRequest(
        ChatSendRequest.type,
        { chatId: conversation.id, messages, context: items },
        running.token,
      );
      conversation.turns.push({
        role: "assistant",
        content: result.answer,
        thought: result.thought || undefined,
        thoughtMs: result.thoughtMs || undefined,
        note:
          result.stopReason === "aborted"
            ? "Stopped."
            : result.stopReason === "maxTokens"
              ? "Cut at hearth.chat.maxTokens."
              : undefined,
      });
      this.context.clearPicked();
      if (result.truncated.length > 0)
        this.post({ type: "notice", text: `Cut to fit the model's context: ${result.truncated.join(", ")}.` });
    } catch (error) {
      conversation.turns.push({
        role: "assistant",
        content: "",
        note: running.token.isCancellationRequested ? "Stopped." : describeError(readResponseError(error)),
      });
    } finally {
      running.dispose();
      this.running = undefined;
      await this.store.save(conversation);
      this.postState();
    }
  }

  dispose(): void {
    this.running?.cancel();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/**
 * A folder's rules files as the server finds them (shared/rulesFiles.ts): each fixed name looked up by the file
 * system, which resolves its case as the server's read does, and the rules folder listed whole. Not findFiles: it
 * applies the repository's own files.exclude and a cap, so a hostile repository could hide a file the model reads.
 */
async function rulesFilesIn(folder: vscode.Uri): Promise<string[]> {
  const isFile = async (path: string) => {
    const stat = await Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, path))).catch(() => undefined);
    return stat !== undefined && (stat.type & vscode.FileType.File) !== 0;
  };
  const fixed = (await Promise.all(FIXED_RULES_FILES.map(async (path) => ((await isFile(path)) ? [path] : [])))).flat();
  const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder, RULES_FOLDER))).catch(
    () => [] as [string, vscode.FileType][],
  );
  const listed = entries.filter(([, type]) => (type & vscode.FileType.File) !== 0).map(([name]) => name);
  return rulesFilesOf(fixed, listed);
}
