/**
 * Hearth's VS Code entry point. It only wires things up; the language server does the work.
 */
import * as vscode from "vscode";
import { LANGUAGE_MODEL_TOOLS } from "../../server/src/shared/commands";
import { installNetworkAudit } from "../../server/src/shared/networkAudit";
import { AgentEdits } from "./agent/agentEdits";
import { serveAgent } from "./agent/agentHandlers";
import { CHAT_VIEW_ID, ChatView } from "./chat/chatView";
import { registerCommands } from "./commands";
import { CONFIG_SECTION, readConfig } from "./config";
import { ContextForwarder, contextSender } from "./context/contextForwarder";
import { HearthClient } from "./hearthClient";
import { HearthLmProvider, LM_VENDOR } from "./lm/lmProvider";
import { SearchCodeTool } from "./lm/searchCodeTool";
import { NextEditController } from "./nextEdit/nextEditController";
import { SuggestionQuality } from "./quality/suggestionQuality";
import { InlineReviews } from "./review/inlineReviews";

let hearth: HearthClient | undefined;

/** What activation returns: the client, and the context forwarder (its decisions are what tests wait on). */
export interface HearthApi {
  hearth: HearthClient;
  contextForwarder: ContextForwarder;
}

export async function activate(context: vscode.ExtensionContext): Promise<HearthApi> {
  // Only calls with this bundle on the stack are Hearth's; the extension host is shared.
  installNetworkAudit("client", (stack) => stack.includes(__filename));
  hearth = new HearthClient(context);
  const reviews = new InlineReviews();
  const chat = new ChatView(context, hearth, reviews);
  const agentEdits = new AgentEdits(reviews, chat.proposals);
  // Hearth's model in VS Code's own chat; its deltas come through each language client the extension starts.
  const lmProvider = new HearthLmProvider(hearth);
  hearth.serveRequests = (client) => [...serveAgent(client, agentEdits), ...lmProvider.serve(client)];
  // What the user does with suggestions, counted on this machine only.
  const quality = new SuggestionQuality(context.globalState, readConfig, hearth.onStatus);
  hearth.suggestionCounter = quality;
  // Next edits wait while ghost text or a proposal under review is on screen.
  const nextEdits = new NextEditController(
    context.extensionUri,
    () => hearth?.languageClient,
    readConfig,
    (document) => (hearth?.ghostTextShownFor(document) ?? false) || reviews.has(document),
    quality,
  );
  // Ghost text waits while next edits or a review are on screen, so none of them fight over the lines and keys.
  hearth.inlineCompletionsWait = () => nextEdits.visible || reviews.activeVisible;
  const contextForwarder = new ContextForwarder(
    contextSender(() => (hearth?.languageClient?.isRunning() ? hearth.languageClient : undefined)),
  );
  context.subscriptions.push(
    chat,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat),
    quality,
    ...registerCommands(hearth, chat, nextEdits, reviews, quality, context.secrets, context.globalStorageUri),
    contextForwarder,
    lmProvider,
    vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, lmProvider),
    // Search by meaning for VS Code's agent, which otherwise needs a GitHub account for it.
    vscode.lm.registerTool(LANGUAGE_MODEL_TOOLS.searchCode, new SearchCodeTool(hearth)),
    nextEdits,
    reviews,
  );
  // Activation waits for the server process to start, never for the model: that loads on first use.
  await hearth.start();
  await showWalkthroughOnce(context);
  return { hearth, contextForwarder };
}

export async function deactivate(): Promise<void> {
  await hearth?.dispose();
  hearth = undefined;
}

/** Opens the getting-started walkthrough on first install, unless a model is already configured. */
async function showWalkthroughOnce(context: vscode.ExtensionContext): Promise<void> {
  if (context.globalState.get<boolean>("hearth.walkthroughShown")) return;
  await context.globalState.update("hearth.walkthroughShown", true);
  if (readConfig().engine === "remote") return; // models are the server's business
  const configured = vscode.workspace.getConfiguration(CONFIG_SECTION).inspect<string>("completion.model");
  if (configured?.globalValue !== undefined || configured?.workspaceValue !== undefined) return;
  await vscode.commands.executeCommand("workbench.action.openWalkthrough", "hearth.hearth#hearth.welcome", false);
}
