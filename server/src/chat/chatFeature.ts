/**
 * `hearth/chat/send`: answers a conversation with the chat model, streaming deltas as notifications.
 */
import type { Connection } from "vscode-languageserver";
import { EngineError, isAbortError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import { type Feature, withAbortSignal } from "../feature";
import type { Logger } from "../logger";
import { arrayOf, isString, requireParams, shaped } from "../paramChecks";
import { ChatDeltaNotification, type ChatSendParams, ChatSendRequest, type ChatSendResult } from "../shared/chatProtocol";
import { actionableError, HearthErrorCodes } from "../shared/errors";
import { refuseSecretContext } from "../shared/sensitiveOnDisk";
import type { HearthSettings } from "../shared/settings";

export interface ChatDependencies {
  connection: Connection;
  engine: ModelEngine;
  /** Resolves once the client's settings have been read. */
  ready: Promise<void>;
  log: Logger;
  settings: () => HearthSettings;
  /** The workspace folders as file system paths: `hearth.privacy.excludedFiles` is relative to them. */
  folders: () => readonly string[];
}

export function registerChat({ connection, engine, ready, log, settings, folders }: ChatDependencies): Feature {
  connection.onRequest(ChatSendRequest.type, (params, token) => {
    requireParams(ChatSendRequest.method, params, {
      chatId: isString,
      messages: arrayOf(shaped({ role: (role) => role === "user" || role === "assistant", content: isString })),
      context: arrayOf(shaped({ label: isString, text: isString })),
    });
    return withAbortSignal(token, (signal) => answer(params, signal));
  });

  async function answer(params: ChatSendParams, signal: AbortSignal): Promise<ChatSendResult> {
    await ready;
    await refuseSecretContext(params.context, settings().privacy.excludedFiles, folders());
    try {
      const reply = await engine.chat(
        { messages: params.messages, context: params.context },
        {
          signal,
          onDelta: (delta) => void connection.sendNotification(ChatDeltaNotification.type, { chatId: params.chatId, ...delta }),
        },
      );
      return {
        answer: reply.answer,
        thought: reply.thought,
        thoughtMs: reply.thoughtMs,
        stopReason: reply.stopReason,
        truncated: reply.truncated,
        draftTokens: reply.draftTokens,
      };
    } catch (error) {
      if (isAbortError(error) || signal.aborted) {
        return { answer: "", thought: "", thoughtMs: 0, stopReason: "aborted", truncated: [] };
      }
      if (error instanceof EngineError) {
        throw actionableError(HearthErrorCodes.chatModel, error.message, error.data);
      }
      log.error(`Chat failed: ${error instanceof Error ? error.stack : String(error)}`);
      throw actionableError(
        HearthErrorCodes.chatModel,
        `Chat failed: ${error instanceof Error ? error.message : String(error)}`,
        { fix: "See the Hearth log for details." },
      );
    }
  }

  // A custom request: nothing to declare in the initialize result.
  return { capabilities: {} };
}
