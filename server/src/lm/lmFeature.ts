/**
 * `hearth/lm/step`, `hearth/lm/models` and `hearth/lm/tokenCount`: Hearth's chat model for another chat (VS Code's
 * own, through the client's language model chat provider). One request is one `ModelEngine.agentStep` in the context
 * made for this caller (`contextFor: "lm"`): grammar-constrained calls locally, OpenAI `tools` remotely. The caller
 * runs the tools and owns the conversation.
 */
import type { Connection } from "vscode-languageserver";
import { withoutNulls } from "../core/agent/toolSchema";
import { chatBudget } from "../core/chatPrompt";
import { EngineError, isAbortError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import { type Feature, withAbortSignal } from "../feature";
import type { Logger } from "../logger";
import { arrayOf, isString, optional, requireParams, shaped } from "../paramChecks";
import { actionableError, HearthErrorCodes } from "../shared/errors";
import {
  estimateTokens,
  LM_CHAT_MODEL_ID,
  LM_SERVED_MODEL_PREFIX,
  LmDeltaNotification,
  type LmModelInfo,
  LmModelsRequest,
  type LmStepParams,
  LmStepRequest,
  type LmStepResult,
  LmTokenCountRequest,
  type LmTokenCountResult,
} from "../shared/lmProtocol";
import type { HearthSettings } from "../shared/settings";
import { agentStepInputOf } from "./lmMessages";

export interface LmDependencies {
  connection: Connection;
  engine: ModelEngine;
  /** Resolves once the client's settings have been read. */
  ready: Promise<void>;
  log: Logger;
  settings: () => HearthSettings;
}

const isPositiveInteger = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value > 0;
const isRole = (role: string) => (value: unknown) => value === role;
const isMessage = (value: unknown) =>
  shaped({ role: isRole("system"), text: isString })(value) ||
  shaped({
    role: isRole("user"),
    text: isString,
    toolResults: optional(arrayOf(shaped({ callId: isString, content: isString }))),
  })(value) ||
  shaped({
    role: isRole("assistant"),
    text: isString,
    toolCalls: optional(
      arrayOf(shaped({ id: isString, name: isString, arguments: (args) => typeof args === "object" && args !== null })),
    ),
  })(value);

/** A remote server's model the caller chose by its listed id; undefined for the chat model (or no id). */
function servedModelOf(id: string | undefined): string | undefined {
  return id?.startsWith(LM_SERVED_MODEL_PREFIX) ? id.slice(LM_SERVED_MODEL_PREFIX.length) : undefined;
}

export function registerLm({ connection, engine, ready, log, settings }: LmDependencies): Feature {
  connection.onRequest(LmStepRequest.type, (params, token) => {
    requireParams(LmStepRequest.method, params, {
      stepId: isString,
      model: optional(isString),
      messages: arrayOf(isMessage),
      tools: arrayOf(shaped({ name: isString, description: isString })),
      maxOutputTokens: optional(isPositiveInteger),
      toolMode: optional((value) => value === "auto" || value === "required"),
    });
    return withAbortSignal(token, (signal) => step(params, signal));
  });

  connection.onRequest(LmModelsRequest.type, async (token) => {
    await ready;
    return withAbortSignal(token, models);
  });

  connection.onRequest(LmTokenCountRequest.type, (params, token) => {
    requireParams(LmTokenCountRequest.method, params, { text: isString });
    return withAbortSignal(token, async (signal): Promise<LmTokenCountResult> => {
      await ready;
      const counted = await engine.countChatTokens(params.text, signal);
      return counted === undefined ? { tokens: estimateTokens(params.text), exact: false } : { tokens: counted, exact: true };
    });
  });

  async function step(params: LmStepParams, signal: AbortSignal): Promise<LmStepResult> {
    await ready;
    // Only answer text is streamed, appended: what was sent can't be taken back, so a retroactive change stops it.
    let sent = "";
    let diverged = false;
    const send = (text: string) => {
      if (diverged || text === "") return;
      sent += text;
      void connection.sendNotification(LmDeltaNotification.type, { stepId: params.stepId, text });
    };
    try {
      const result = await engine.agentStep(agentStepInputOf(params.messages, params.tools), {
        contextFor: "lm",
        servedModel: servedModelOf(params.model),
        requireToolCall: params.toolMode === "required" && params.tools.length > 0,
        maxTokens: params.maxOutputTokens,
        signal,
        onDelta: (delta) => {
          if (delta.kind === "answer") send(delta.text);
          else if (delta.kind === "reset") {
            if (delta.answer.startsWith(sent)) send(delta.answer.slice(sent.length));
            else diverged = true;
          }
        },
      });
      return {
        text: result.answer,
        toolCalls: result.toolCalls.map((call) => ({ ...call, arguments: withoutNulls(call.arguments) })),
        stopReason: result.stopReason,
        promptTokens: result.promptTokens,
        evaluatedPromptTokens: result.evaluatedPromptTokens,
        generatedTokens: result.generatedTokens,
        draftTokens: result.draftTokens,
      };
    } catch (error) {
      if (isAbortError(error) || signal.aborted) {
        return {
          text: sent,
          toolCalls: [],
          stopReason: "aborted",
          promptTokens: 0,
          evaluatedPromptTokens: -1,
          generatedTokens: 0,
        };
      }
      if (error instanceof EngineError) throw actionableError(HearthErrorCodes.chatModel, error.message, error.data);
      log.error(`Model step failed: ${error instanceof Error ? error.stack : String(error)}`);
      throw actionableError(
        HearthErrorCodes.chatModel,
        `Hearth's model failed: ${error instanceof Error ? error.message : String(error)}`,
        { fix: "See the Hearth log for details." },
      );
    }
  }

  async function models(signal: AbortSignal): Promise<LmModelInfo[]> {
    if (engine.status("chat").state === "disabled") return [];
    engine.warmUpLm();
    const choices = await engine.lmModels(signal);
    return choices.map((choice) => {
      const { maxTokens, promptTokens } = chatBudget(choice.contextSize, settings().chat.maxTokens);
      return {
        id: choice.served === undefined ? LM_CHAT_MODEL_ID : LM_SERVED_MODEL_PREFIX + choice.served,
        name: `Hearth · ${choice.label} (${choice.where})`,
        family: choice.label,
        maxInputTokens: promptTokens,
        maxOutputTokens: maxTokens,
        toolCalling: true,
      };
    });
  }

  // Custom requests: nothing to declare in the initialize result.
  return { capabilities: {} };
}
