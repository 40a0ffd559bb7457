/**
 * Fill-in-the-middle over an OpenAI-compatible `/v1/completions` (vLLM, Ollama, LM Studio, llama-server): a raw
 * prompt in the model family's FIM spelling, streamed, cancelled by closing the request.
 *
 * The layout is the local one as text (`PRE prefix SUF suffix MID linePrefix`), so servers with prefix caching
 * (vLLM's automatic prefix caching, llama-server's cache_prompt) reuse all but the typed line. The server parses
 * special tokens in a text prompt, so the user's text goes through `textPrompt`, which breaks their spellings.
 */

import { fimFamilyFor } from "../../core/fimFormats";
import { renderRepoContext } from "../../core/repoContext";
import { fimSegments, restoreSpecialTokens, textPrompt } from "../../core/textPrompt";
import type { CompletionMetrics } from "../../shared/protocol";
import type { RemoteFimFormat } from "../../shared/settings";
import type { FimGenerationOptions, FimInput, FimResult } from "../modelEngine";
import type { RemoteHttp } from "./remoteHttp";

interface CompletionChunk {
  choices?: { text?: string; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** OpenAI's API takes at most four stop strings; these are the ones a FIM model emits after its answer. */
const MAX_STOP_STRINGS = 4;

export async function openAiFim(
  http: RemoteHttp,
  model: string,
  format: RemoteFimFormat,
  input: FimInput,
  options: FimGenerationOptions,
): Promise<FimResult> {
  const started = performance.now();
  const family = fimFamilyFor(format, model);
  const context = input.context
    ? renderRepoContext(family.name, input.context.repoName, input.context.chunks, input.context.currentPath)
    : [];
  const prompt = textPrompt([...context, ...fimSegments(family, input)]);
  let text = "";
  let chunks = 0;
  let stopReason: CompletionMetrics["stopReason"] = "maxTokens";
  let usage: CompletionChunk["usage"];
  const events = http.events("/v1/completions", {
    body: {
      ...(model ? { model } : {}),
      prompt,
      max_tokens: options.maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      stop: family.stopTokens.slice(0, MAX_STOP_STRINGS),
    },
    signal: options.signal,
  });
  const deadline = started + options.timeoutMs;
  for await (const raw of events) {
    const chunk = raw as CompletionChunk;
    usage = chunk.usage ?? usage;
    const choice = chunk.choices?.[0];
    if (typeof choice?.text === "string" && choice.text !== "") {
      text += choice.text;
      chunks++;
    }
    if (choice?.finish_reason) {
      stopReason = choice.finish_reason === "length" ? "maxTokens" : "eog";
      continue; // the usage chunk may follow
    }
    if (options.signal.aborted) break;
    if (options.isComplete?.(restoreSpecialTokens(text))) {
      stopReason = "scopeEnd";
      break;
    }
    if (performance.now() >= deadline) {
      stopReason = "timeout";
      break;
    }
  }
  options.signal.throwIfAborted();
  // A spelling the model copied from the prompt carries the break that made it text there.
  text = restoreSpecialTokens(text);
  return {
    text,
    metrics: {
      promptTokens: usage?.prompt_tokens ?? -1,
      evaluatedPromptTokens: -1, // OpenAI-compatible servers don't say how much of the prompt was cached
      generatedTokens: usage?.completion_tokens ?? chunks,
      durationMs: performance.now() - started,
      stopReason,
      rawText: text,
    },
  };
}
