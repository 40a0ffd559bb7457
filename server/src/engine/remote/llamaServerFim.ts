/**
 * Fill-in-the-middle over llama-server's native `/completion`, keeping the local engine's KV-cache-friendly layout.
 *
 * The prompt goes as token ids (`PRE prefix SUF suffix MID linePrefix`), so typing on one line changes only the
 * prompt's tail and `cache_prompt` reuses everything before it: measured 1–2 tokens evaluated per keystroke, where
 * `/infill` re-evaluates the whole suffix (docs/BENCHMARKS.md). Requests are pinned to one slot so that slot's cache
 * stays this client's. The text parts are tokenized by the server with special-token parsing off, so code that
 * happens to contain `<|fim_prefix|>` stays text.
 */

import { detectFimTokens, type FimTokens, fitFimParts, layoutFimPrompt } from "../../core/fimFormats";
import { LruMap } from "../../core/lruMap";
import { contextTokens, type Segment } from "../../core/repoContext";
import { FIM_SPECIAL_SPELLINGS } from "../../core/textPrompt";
import type { CompletionMetrics } from "../../shared/protocol";
import type { FimGenerationOptions, FimInput, FimResult } from "../modelEngine";
import { llamaServerAlternatives } from "./llamaServerAlternatives";
import { RemoteError, type RemoteHttp } from "./remoteHttp";

export interface LlamaServerInfo {
  /** Undefined for a model without FIM tokens (an instruct model): it can still chat, but not complete inline. */
  fimTokens: FimTokens | undefined;
  /** The beginning-of-sequence token, when the model wants one (the server adds none to token prompts). */
  bos: number | undefined;
  /** Context per slot, in tokens. */
  contextSize: number;
  slots: number;
  /** The model file's name, for the status bar. */
  model: string;
  /** Special tokens the vocabulary has, by spelling (FIM and repository tokens). */
  specialIds: ReadonlyMap<string, number>;
}

interface PropsResponse {
  default_generation_settings?: { n_ctx?: number };
  n_ctx?: number;
  total_slots?: number;
  model_path?: string;
  model_alias?: string;
}

interface CompletionEvent {
  content?: string;
  stop?: boolean;
  stop_type?: string;
  timings?: { prompt_n?: number; predicted_n?: number; prompt_ms?: number; predicted_ms?: number };
}

/** How many tokenized texts are remembered: the prefix and suffix rarely change between keystrokes. */
const TOKEN_CACHE_SIZE = 16;
/** Messages whose token count is remembered. */
const COUNT_CACHE_SIZE = 128;
/** Tokens kept free beyond maxTokens, as locally. */
const CONTEXT_MARGIN = 12;

export class LlamaServerFim {
  private info: Promise<LlamaServerInfo> | undefined;
  private readonly tokenCache = new LruMap<string, number[]>(TOKEN_CACHE_SIZE);
  /** Token counts of messages (hearth/lm/tokenCount): a conversation's worth. */
  private readonly counts = new LruMap<string, number>(COUNT_CACHE_SIZE);
  /** A random slot choice per language-server process: several users on one server spread over its slots. */
  private readonly slotSeed = Math.floor(Math.random() * 1_000_000);

  constructor(private readonly http: RemoteHttp) {}

  /** Learns the model's FIM tokens, BOS, context and slots from the server, once per connection. */
  describe(signal: AbortSignal): Promise<LlamaServerInfo> {
    if (!this.info) {
      this.info = this.fetchInfo(signal);
      this.info.catch(() => {
        this.info = undefined; // ask again next time
      });
    }
    return this.info;
  }

  /**
   * The slot completions use; chat and next edits use others when the server has them, so they never evict this
   * cache (-1: whichever is free).
   */
  slotFor(purpose: "completion" | "chat" | "nextEdit", slots: number): number {
    if (purpose === "chat") return slots > 1 ? (this.slotSeed + 1) % slots : -1;
    if (purpose === "nextEdit") return slots > 2 ? (this.slotSeed + 2) % slots : -1;
    return this.slotSeed % Math.max(1, slots);
  }

  /**
   * A prompt of segments as token ids: special tokens by the id the server's vocabulary gives them, text tokenized
   * as text. Undefined when the vocabulary lacks one of the special tokens.
   */
  async segmentTokens(segments: readonly Segment[], signal: AbortSignal): Promise<number[] | undefined> {
    const info = await this.describe(signal);
    const tokens: number[] = info.bos === undefined ? [] : [info.bos];
    for (const segment of segments) {
      if ("special" in segment) {
        const id = info.specialIds.get(segment.special);
        if (id === undefined) return undefined;
        tokens.push(id);
      } else tokens.push(...(await this.tokenize(segment.text, signal)));
    }
    return tokens;
  }

  /** The server's info, failing with what to do when its model can't fill in the middle. */
  async describeForCompletion(signal: AbortSignal): Promise<LlamaServerInfo & { fimTokens: FimTokens }> {
    const info = await this.describe(signal);
    const fimTokens = info.fimTokens;
    if (!fimTokens) {
      throw new RemoteError(
        `The model llama-server at ${this.http.url} serves (${info.model}) has no fill-in-the-middle tokens, so it can't complete code inline.`,
        "Serve a base coder model (Qwen2.5-Coder, DeepSeek-Coder, StarCoder2 base) for completions; instruct and R1 models can't fill in the middle.",
        "badResponse",
        false,
      );
    }
    return { ...info, fimTokens };
  }

  async fill(input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
    const started = performance.now();
    const info = await this.describeForCompletion(options.signal);
    // One request at a time: llama-server serves HTTP from a small thread pool (slots + 2), and parallel
    // connections queue behind idle keep-alive ones (measured: 9 s for 20 parallel /tokenize calls, 40 ms in turn).
    let context: number[] = [];
    if (input.context) {
      context = await contextTokens(
        info.fimTokens.family,
        input.context,
        (special) => info.specialIds.get(special),
        (text) => this.tokenize(text, options.signal),
      );
      if (context.length > info.contextSize / 3) context = [];
    }
    const prefix = await this.tokenize(input.prefix, options.signal);
    const suffix = await this.tokenize(input.suffix, options.signal);
    const linePrefix = await this.tokenize(input.linePrefix, options.signal);
    const parts = fitFimParts(
      { prefix, suffix, linePrefix },
      info.contextSize - options.maxTokens - CONTEXT_MARGIN - context.length,
    );
    const prompt = layoutFimPrompt(info.fimTokens, parts, info.bos, context);

    let text = "";
    let chunks = 0;
    let stopReason: CompletionMetrics["stopReason"] = "eog";
    let timings: CompletionEvent["timings"];
    const slot = this.slotFor("completion", info.slots);
    if (!options.alternativesOnly) ({ text, chunks, stopReason, timings } = await this.generate(prompt, slot, options));
    const alternatives = options.alternatives
      ? await llamaServerAlternatives(this.http, prompt, slot, options, started + options.timeoutMs)
      : undefined;
    options.signal.throwIfAborted();
    return {
      text,
      alternatives: alternatives?.texts,
      metrics: {
        promptTokens: prompt.length,
        evaluatedPromptTokens: timings?.prompt_n ?? -1,
        generatedTokens: (timings?.predicted_n ?? chunks) + (alternatives?.generatedTokens ?? 0),
        durationMs: performance.now() - started,
        stopReason,
        rawText: text,
        serverComputeMs: timings ? (timings.prompt_ms ?? 0) + (timings.predicted_ms ?? 0) : undefined,
      },
    };
  }

  /** The greedy suggestion, streamed, so it can stop as soon as it is complete. */
  private async generate(
    prompt: number[],
    slot: number,
    options: FimGenerationOptions,
  ): Promise<{ text: string; chunks: number; stopReason: CompletionMetrics["stopReason"]; timings: CompletionEvent["timings"] }> {
    let text = "";
    let chunks = 0;
    let stopReason: CompletionMetrics["stopReason"] = "maxTokens";
    let timings: CompletionEvent["timings"];
    const events = this.http.events("/completion", {
      body: {
        prompt,
        n_predict: options.maxTokens,
        t_max_predict_ms: options.timeoutMs,
        temperature: 0,
        top_k: 1,
        cache_prompt: true,
        id_slot: slot,
        stream: true,
      },
      signal: options.signal,
    });
    for await (const raw of events) {
      const event = raw as CompletionEvent;
      if (typeof event.content === "string" && event.content !== "") {
        text += event.content;
        chunks++;
      }
      if (event.stop) {
        // llama-server counts the end-of-generation token it stopped at; the local engine's count doesn't.
        timings =
          event.stop_type === "eos" && event.timings?.predicted_n
            ? { ...event.timings, predicted_n: event.timings.predicted_n - 1 }
            : event.timings;
        stopReason =
          event.stop_type === "eos" || event.stop_type === "word" ? "eog" : event.stop_type === "limit" ? "maxTokens" : "timeout";
        break;
      }
      if (options.signal.aborted) break;
      if (options.isComplete?.(text)) {
        stopReason = "scopeEnd"; // leaving the loop closes the request: the server stops generating
        break;
      }
    }
    return { text, chunks, stopReason, timings };
  }

  /**
   * How many tokens the served model makes of `text` (special-token parsing off, as a message's text), remembered
   * apart from the FIM token cache: VS Code counts the same long messages before every request.
   */
  async countTokens(text: string, signal: AbortSignal): Promise<number> {
    const cached = this.counts.get(text);
    if (cached !== undefined) return cached;
    const count = (await this.requestTokens(text, signal)).length;
    this.counts.set(text, count);
    return count;
  }

  private async tokenize(text: string, signal: AbortSignal): Promise<number[]> {
    if (text === "") return [];
    const cached = this.tokenCache.get(text);
    if (cached) return cached;
    const tokens = await this.requestTokens(text, signal);
    this.tokenCache.set(text, tokens);
    return tokens;
  }

  private async requestTokens(text: string, signal: AbortSignal): Promise<number[]> {
    if (text === "") return [];
    const { tokens } = await this.http.json<{ tokens?: unknown }>("/tokenize", {
      body: { content: text, add_special: false, parse_special: false },
      signal,
    });
    if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === "number")) {
      throw new RemoteError(
        `The server at ${this.http.url} answered /tokenize without token ids.`,
        "Check that hearth.remote.api is right: llama-server for llama.cpp's server, openai for others.",
        "badResponse",
        false,
        "hearth.remote.api",
      );
    }
    return tokens;
  }

  private async fetchInfo(signal: AbortSignal): Promise<LlamaServerInfo> {
    const props = await this.http.json<PropsResponse>("/props", { signal });
    const special = async (content: string): Promise<number | undefined> => {
      const { tokens } = await this.http.json<{ tokens: number[] }>("/tokenize", {
        body: { content, add_special: false, parse_special: true },
        signal,
      });
      return Array.isArray(tokens) && tokens.length === 1 ? tokens[0] : undefined;
    };
    // Ask for every spelling Hearth knows; a special token comes back as one id, plain text as several.
    const ids = new Map<string, number>();
    for (const text of FIM_SPECIAL_SPELLINGS) {
      const id = await special(text);
      if (id !== undefined) ids.set(text, id);
    }
    const fimTokens = detectFimTokens({ specialTokenId: (text) => ids.get(text) });
    const modelName = (props.model_path ?? props.model_alias ?? "").split(/[\\/]/).pop() || "llama-server";
    const withBos = await this.http.json<{ tokens: number[] }>("/tokenize", {
      body: { content: "a", add_special: true },
      signal,
    });
    const without = await this.http.json<{ tokens: number[] }>("/tokenize", {
      body: { content: "a", add_special: false },
      signal,
    });
    const bos = withBos.tokens.length > without.tokens.length ? withBos.tokens[0] : undefined;
    return {
      fimTokens,
      bos,
      contextSize: props.default_generation_settings?.n_ctx ?? props.n_ctx ?? 4096,
      slots: Math.max(1, props.total_slots ?? 1),
      model: modelName,
      specialIds: ids,
    };
  }
}
