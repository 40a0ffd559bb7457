/**
 * Hearth's chat model in VS Code's own Chat, Agent and inline chat: a language model chat provider (vendor `hearth`)
 * whose every response is one `hearth/lm/step` of the language server. VS Code runs the tools and the loop; the
 * server runs the model (grammar-constrained calls locally, OpenAI `tools` remotely). Cancelling VS Code's token
 * cancels the request, which aborts the engine.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { describeError, readResponseError } from "../../../server/src/shared/errors";
import { LmDeltaNotification, LmModelsRequest, LmStepRequest, LmTokenCountRequest } from "../../../server/src/shared/lmProtocol";
import type { EngineStatus } from "../../../server/src/shared/protocol";
import { estimateTokens, lmMessagesOf, lmToolsOf } from "./lmMessages";

export const LM_VENDOR = "hearth";

/** What the provider needs of the extension's client. */
export interface LmClientSource {
  /** The running language client, or undefined between restarts. */
  readonly languageClient: LanguageClient | undefined;
  /** Model status changes from the server: the model list may have changed. */
  readonly onStatus: vscode.Event<EngineStatus>;
}

export class HearthLmProvider implements vscode.LanguageModelChatProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  /** Where each running step's answer deltas go, by step id. */
  private readonly steps = new Map<string, (text: string) => void>();
  private nextStep = 0;
  /** The chat model's state, name and backend as last listed: loading progress alone changes nothing listed. */
  private listedStatus = "";
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly hearth: LmClientSource) {
    this.subscriptions = [
      this.changed,
      hearth.onStatus((status) => {
        // The message too: a context reduced to fit memory changes the tokens listed.
        const key = `${status.state}|${status.model}|${status.backend}|${status.message}`;
        if (status.role !== "chat" || key === this.listedStatus) return;
        this.listedStatus = key;
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth")) this.changed.fire();
      }),
    ];
  }

  /** The server's half, per language client (HearthClient disposes it when the client goes). */
  serve(client: LanguageClient): vscode.Disposable[] {
    return [client.onNotification(LmDeltaNotification.type, ({ stepId, text }) => this.steps.get(stepId)?.(text))];
  }

  async provideLanguageModelChatInformation(
    _options: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelChatInformation[]> {
    const client = this.hearth.languageClient;
    // Before the server runs there is nothing to list; its first status fires the change event.
    if (!client?.isRunning()) return [];
    const models = await client.sendRequest(LmModelsRequest.type, token);
    return models.map((model) => ({
      id: model.id,
      name: model.name,
      family: model.family,
      version: "1",
      maxInputTokens: model.maxInputTokens,
      maxOutputTokens: model.maxOutputTokens,
      capabilities: { toolCalling: model.toolCalling },
    }));
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const client = this.hearth.languageClient;
    if (!client?.isRunning()) throw new Error("Hearth's language server is not running. Run Hearth: Restart Language Server.");
    const stepId = `lm-${++this.nextStep}`;
    let streamed = "";
    this.steps.set(stepId, (text) => {
      streamed += text;
      progress.report(new vscode.LanguageModelTextPart(text));
    });
    try {
      const result = await client.sendRequest(
        LmStepRequest.type,
        {
          stepId,
          model: model.id,
          messages: lmMessagesOf(messages),
          tools: lmToolsOf(options.tools),
          ...maxOutputTokensOf(options.modelOptions),
          ...(options.toolMode === vscode.LanguageModelChatToolMode.Required ? { toolMode: "required" as const } : {}),
        },
        token,
      );
      // Deltas are notifications: any not yet here when the result came are reported from the whole text.
      if (result.text.startsWith(streamed) && result.text.length > streamed.length)
        progress.report(new vscode.LanguageModelTextPart(result.text.slice(streamed.length)));
      for (const call of result.toolCalls)
        progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, call.arguments));
    } catch (error) {
      if (token.isCancellationRequested) return;
      throw new Error(describeError(readResponseError(error)));
    } finally {
      this.steps.delete(stepId);
    }
  }

  /**
   * The chat model's own count (hearth/lm/tokenCount) of a text, or of a message's text parts and its tool calls'
   * and results' JSON; the estimate while the server isn't running or can't say.
   */
  async provideTokenCount(
    _model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    token: vscode.CancellationToken,
  ): Promise<number> {
    const client = this.hearth.languageClient;
    if (!client?.isRunning()) return estimateTokens(text);
    try {
      const counted = await client.sendRequest(LmTokenCountRequest.type, { text: countedText(text) }, token);
      return counted.tokens;
    } catch {
      return estimateTokens(text); // cancelled, or the server restarting: VS Code only budgets with it
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** What a message costs in the prompt: its text, and its tool calls and results as the JSON they are sent as. */
function countedText(input: string | vscode.LanguageModelChatRequestMessage): string {
  if (typeof input === "string") return input;
  const [message] = lmMessagesOf([input]);
  const parts = [message.text];
  if (message.role === "assistant" && message.toolCalls) parts.push(JSON.stringify(message.toolCalls));
  if (message.role === "user" && message.toolResults) parts.push(JSON.stringify(message.toolResults));
  return parts.join("");
}

/** A caller's answer limit, under the names callers use for it (`maxOutputTokens`, OpenAI's `max_tokens`). */
function maxOutputTokensOf(modelOptions: { readonly [name: string]: unknown } | undefined): { maxOutputTokens?: number } {
  const value = modelOptions?.maxOutputTokens ?? modelOptions?.max_tokens;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? { maxOutputTokens: value } : {};
}
