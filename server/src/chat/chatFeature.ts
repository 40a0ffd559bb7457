/**
 * `hearth/chat/send`: answers a conversation with the chat model, streaming deltas as notifications.
 */
import type { Connection } from "vscode-languageserver";
import { EngineError, isAbortError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import type { Logger } from "../logger";
import { arrayOf, isString, requireParams, shaped } from "../paramChecks";
import { ChatDeltaNotification, ChatSendRequest, type ChatSendResult } from "../shared/chatProtocol";
import { actionableError, HearthErrorCodes } from "../shared/errors";

export function registerChat(connection: Connection, engine: ModelEngine, ready: Promise<void>, log: Logger): void {
  connection.onRequest(ChatSendRequest.type, async (params, token): Promise<ChatSendResult> => {
    requireParams(ChatSendRequest.method, params, {
      chatId: isString,
      messages: arrayOf(shaped({ role: (role) => role === "user" || role === "assistant", content: isString })),
      context: arrayOf(shaped({ label: isString, text: isString })),
    });
    await ready;
    const controller = new AbortController();
    const cancellation = token.onCancellationRequested(() => controller.abort());
    try {
      const reply = await engine.chat(
        { messages: params.messages, context: params.context },
        {
          signal: controller.signal,
          onDelta: (delta) => void connection.sendNotification(ChatDeltaNotification.type, { chatId: params.chatId, ...delta }),
        },
      );
      return {
        answer: reply.answer,
        thought: reply.thought,
        thoughtMs: reply.thoughtMs,
        stopReason: reply.stopReason,
        truncated: reply.truncated,
      };
    } catch (error) {
      if (isAbortError(error) || controller.signal.aborted) {
        return { answer: "", thought: "", thoughtMs: 0, stopReason: "aborted", truncated: [] };
      }
      if (error instanceof EngineError) {
        throw actionableError(HearthErrorCodes.chatModel, error.message, error.data);
      }
      log.error(`Chat failed: ${error instanceof Error ? error.stack : String(error)}`);
      throw actionableError(
        HearthErrorCodes.chatModel,
        `Chat failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          fix: "See the Hearth log for details.",
        },
      );
    } finally {
      cancellation.dispose();
    }
  });
}
