/**
 * Next-edit rewrites from a serving engine: llama-server's `/completion` with the prompt as token ids (special tokens
 * by id, the user's text as text), or an OpenAI-compatible `/v1/completions` with the prompt as text, where the
 * user's text has every special-token spelling broken (`textPrompt`): the server would parse a file's
 * `<|file_sep|>` as a block boundary. Both stream, so the early stop can close the request as soon as the rewrite is
 * back in step with the window.
 */
import { earlyAnswer } from "../../core/nextEdit/earlyStop";
import { restoreSpecialTokens, textPrompt } from "../../core/textPrompt";
import type { NextEditInput, NextEditMetrics, NextEditOptions, NextEditResult } from "../modelEngine";
import { type ChatCompletionChunk, chatCompletionBody } from "./chatCompletionStream";
import type { LlamaServerFim } from "./llamaServerFim";
import { RemoteError, type RemoteHttp } from "./remoteHttp";

interface Streamed {
  /** The text of this event. */
  text: string;
  /** Set when the server says the generation ended, and why. */
  finished?: NextEditMetrics["stopReason"];
  usage?: { promptTokens?: number; evaluatedPromptTokens?: number; generatedTokens?: number };
}

/** What `/v1/completions` and `/v1/chat/completions` chunks share: why the choice ended, and the usage. */
interface OpenAiChunk {
  choices?: { finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** An OpenAI-compatible chunk as a streamed event, given the text its choice carries (`text` or `delta.content`). */
function openAiStreamed(chunk: OpenAiChunk, text: unknown): Streamed {
  const reason = chunk.choices?.[0]?.finish_reason;
  return {
    text: typeof text === "string" ? text : "",
    finished: reason ? (reason === "length" ? "maxTokens" : "stop") : undefined,
    usage: chunk.usage ? { promptTokens: chunk.usage.prompt_tokens, generatedTokens: chunk.usage.completion_tokens } : undefined,
  };
}

/** Reads a streamed rewrite, stopping early once it is back in step with the window. */
async function readRewrite(
  events: AsyncGenerator<unknown>,
  parse: (event: unknown) => Streamed,
  input: NextEditInput,
  options: NextEditOptions,
  started: number,
  promptTokens: number,
  /** The user's text as it was in the model's output, where the prompt changed it (see textPrompt). */
  asWritten: (text: string) => string = (text) => text,
): Promise<NextEditResult> {
  let text = "";
  let chunks = 0;
  let stopReason: NextEditMetrics["stopReason"] = "maxTokens";
  let rewrite: string | undefined;
  let usage: Streamed["usage"];
  const deadline = started + options.timeoutMs;
  for await (const raw of events) {
    const event = parse(raw);
    usage = event.usage ?? usage;
    if (event.text !== "") {
      text += event.text;
      chunks++;
      if (input.earlyStop !== false && event.text.includes("\n")) {
        rewrite = earlyAnswer(asWritten(text), input.currentWindow, input.answerFrame);
        if (rewrite !== undefined) {
          stopReason = "rejoined"; // leaving the loop closes the request: the server stops generating
          break;
        }
      }
    }
    if (event.finished) {
      stopReason = event.finished;
      if (usage) break;
      continue; // a usage chunk may follow
    }
    if (options.signal.aborted) break;
    if (performance.now() >= deadline) {
      stopReason = "timeout";
      break;
    }
  }
  options.signal.throwIfAborted();
  // Stops are the model's own tokens, as it wrote them: cut before a copied spelling is restored to look like one.
  for (const stop of input.stops) if (text.includes(stop)) text = text.slice(0, text.indexOf(stop));
  return {
    rewrite: rewrite ?? asWritten(text),
    complete: stopReason === "stop" || stopReason === "rejoined",
    metrics: {
      promptTokens: usage?.promptTokens ?? promptTokens,
      evaluatedPromptTokens: usage?.evaluatedPromptTokens ?? -1,
      generatedTokens: usage?.generatedTokens ?? chunks,
      durationMs: performance.now() - started,
      stopReason,
    },
  };
}

export async function llamaServerNextEdit(
  http: RemoteHttp,
  llamaServer: LlamaServerFim,
  input: NextEditInput,
  options: NextEditOptions,
): Promise<NextEditResult> {
  const started = performance.now();
  // A marker the vocabulary may lack goes as its spelling where the server knows no token for it.
  const { specialIds } = await llamaServer.describe(options.signal);
  const segments = input.prompt.map((segment) =>
    "special" in segment && segment.orText && !specialIds.has(segment.special) ? { text: segment.special } : segment,
  );
  const prompt = await llamaServer.segmentTokens(segments, options.signal);
  if (prompt === undefined) {
    const specials = [...new Set(input.prompt.flatMap((segment) => ("special" in segment ? [segment.special] : [])))];
    throw new RemoteError(
      `The model llama-server at ${http.url} serves lacks the next-edit tokens (${specials.join(", ")}), so it is not a next-edit model.`,
      "Serve a next-edit model (for example sweep-next-edit-1.5B), or clear hearth.remote.nextEditModel.",
      "badResponse",
      false,
      "hearth.remote.nextEditModel",
    );
  }
  const info = await llamaServer.describe(options.signal);
  const events = http.events("/completion", {
    body: {
      prompt,
      // n_predict 0 only evaluates the prompt into the slot's cache (cache_prompt).
      n_predict: options.evaluateOnly ? 0 : options.maxTokens,
      t_max_predict_ms: options.timeoutMs,
      temperature: 0,
      top_k: 1,
      cache_prompt: true,
      // Speculation takes whichever slot is free, so it never evicts the slot the requests keep warm.
      id_slot: options.speculative ? -1 : llamaServer.slotFor("nextEdit", info.slots),
      stop: input.stops,
      stream: true,
    },
    signal: options.signal,
  });
  return readRewrite(
    events,
    (raw) => {
      const event = raw as {
        content?: string;
        stop?: boolean;
        stop_type?: string;
        timings?: { prompt_n?: number; predicted_n?: number };
      };
      return {
        text: typeof event.content === "string" ? event.content : "",
        finished: event.stop
          ? event.stop_type === "eos" || event.stop_type === "word"
            ? "stop"
            : event.stop_type === "limit"
              ? "maxTokens"
              : "timeout"
          : undefined,
        usage: event.stop
          ? { evaluatedPromptTokens: event.timings?.prompt_n, generatedTokens: event.timings?.predicted_n }
          : undefined,
      };
    },
    input,
    options,
    started,
    prompt.length,
  );
}

export async function openAiNextEdit(
  http: RemoteHttp,
  model: string,
  input: NextEditInput,
  options: NextEditOptions,
): Promise<NextEditResult> {
  const started = performance.now();
  if (options.evaluateOnly) {
    // Nothing to warm on a server whose cache Hearth can't address.
    const metrics = { promptTokens: 0, evaluatedPromptTokens: 0, generatedTokens: 0, durationMs: 0 };
    return { rewrite: "", complete: false, metrics: { ...metrics, stopReason: "evaluateOnly" } };
  }
  const events = http.events("/v1/completions", {
    body: {
      ...(model ? { model } : {}),
      prompt: textPrompt(input.prompt),
      max_tokens: options.maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      stop: input.stops.slice(0, 4),
    },
    signal: options.signal,
  });
  return readRewrite(
    events,
    (raw) => {
      const chunk = raw as OpenAiChunk & { choices?: { text?: string }[] };
      return openAiStreamed(chunk, chunk.choices?.[0]?.text);
    },
    input,
    options,
    started,
    -1,
    restoreSpecialTokens,
  );
}

/**
 * The instruct format's conversation on `/v1/chat/completions`, which every server Hearth speaks to has (the
 * server's chat template renders it). The messages' texts were neutralised when they were built; the answer is
 * restored when it is read (core/nextEdit/instructPrompt.ts). A thought the server splits off is not the answer.
 */
export async function chatNextEdit(
  http: RemoteHttp,
  chat: NonNullable<NextEditInput["chat"]>,
  input: NextEditInput,
  options: NextEditOptions,
  model: string,
  /** llama-server's, for the slot next edits keep warm (chat's and completion's caches stay); none elsewhere. */
  llamaServer?: LlamaServerFim,
): Promise<NextEditResult> {
  const started = performance.now();
  if (options.evaluateOnly) {
    const metrics = { promptTokens: 0, evaluatedPromptTokens: 0, generatedTokens: 0, durationMs: 0 };
    return { rewrite: "", complete: false, metrics: { ...metrics, stopReason: "evaluateOnly" } };
  }
  const messages = [
    { role: "system", content: chat.system },
    { role: "user", content: chat.user },
  ];
  // Speculation takes whichever slot is free, so it never evicts the slot the requests keep warm.
  const slots = llamaServer && !options.speculative ? (await llamaServer.describe(options.signal)).slots : undefined;
  const slot = slots === undefined ? undefined : llamaServer?.slotFor("nextEdit", slots);
  const body = chatCompletionBody({ model, maxTokens: options.maxTokens, temperature: 0, slot }, messages, {
    stop: input.stops.slice(0, 4),
  });
  const events = http.events("/v1/chat/completions", { body, signal: options.signal });
  return readRewrite(
    events,
    (raw) => {
      const chunk = raw as ChatCompletionChunk;
      return openAiStreamed(chunk, chunk.choices?.[0]?.delta?.content);
    },
    input,
    options,
    started,
    -1,
  );
}
