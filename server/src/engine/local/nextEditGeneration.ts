/**
 * Runs one next-edit rewrite on the next-edit sequence: the prompt's special tokens by id (never parsed out of the
 * user's text), abortable prompt chunks, greedy generation with prompt-lookup drafts, and the early stop: once the
 * rewrite is back in step with the window after a change, the rest is taken as copied.
 */
import type { Token } from "node-llama-cpp";
import { earlyAnswer } from "../../core/nextEdit/earlyStop";
import { DRAFT_LENGTH } from "../../core/speculativeDrafts";
import { EngineError } from "../engineError";
import type { NextEditInput, NextEditMetrics, NextEditOptions, NextEditResult } from "../modelEngine";
import { endsWithTokenTrigger } from "./chatTemplateRules";
import { canSpeculate } from "./draftModel";
import type { NextEditModel } from "./nextEditModel";
import type { PriorityGate } from "./priorityGate";
import { evaluatePrompt } from "./promptEvaluation";
import { noDraftStats, speculativeTokens } from "./speculativeDecoding";

/**
 * Lookup drafts for a rewrite: it copies the window's unchanged lines, runs of tens of tokens the prompt holds, so
 * drafts may grow to 64 tokens where a reply's stop at 16. Fewer, longer passes: on a GPU a pass costs about one
 * step whatever its length, and on this project's CPU a 65-token pass costs about 9 ms a token against 12 for a
 * 17-token one. A draft refused early wastes its tail, so a partial acceptance shortens the next (DraftLength).
 * Replayed on real refactorings, 64 took the fewest passes for the least waste (docs/BENCHMARKS.md).
 */
export const NEXT_EDIT_DRAFTS = { initial: DRAFT_LENGTH.initial, longest: 64 } as const;

export async function generateNextEdit(
  loaded: NextEditModel,
  input: NextEditInput,
  options: NextEditOptions,
  /** Ghost text goes first: prompt chunks and tokens wait while an inline completion runs. */
  gate?: PriorityGate,
): Promise<NextEditResult> {
  const started = performance.now();
  const { model } = loaded;
  const sequence = options.speculative ? loaded.speculationSequence : loaded.sequence;
  const { prompt, stopIds, stopTexts, stopSequences, promptText } = nextEditPrompt(loaded, input);
  if (prompt.length + options.maxTokens > sequence.contextSize) {
    throw new EngineError(
      `The next-edit prompt (${prompt.length} tokens) and its rewrite don't fit the ${sequence.contextSize}-token context.`,
      "Raise hearth.local.contextSize.",
      "hearth.local.contextSize",
    );
  }
  const head = prompt.slice(0, -1);
  const last = prompt[prompt.length - 1];
  const evaluatedPromptTokens = await evaluatePrompt(sequence, head, options.signal, {
    beforeChunk: gate && (() => gate.whenClear()),
  });
  if (options.evaluateOnly) {
    const metrics = { promptTokens: prompt.length, evaluatedPromptTokens, generatedTokens: 0 };
    return {
      rewrite: "",
      complete: false,
      metrics: { ...metrics, durationMs: performance.now() - started, stopReason: "evaluateOnly" },
      promptText,
    };
  }

  const deadline = started + options.timeoutMs;
  const generated: Token[] = [];
  let text = "";
  let stopReason: NextEditMetrics["stopReason"] = "maxTokens";
  let rewrite: string | undefined;
  // A rewrite copies most of the window: drafts looked up in the prompt are verified a whole batch at a time.
  const drafts = noDraftStats();
  const tokens = canSpeculate(model)
    ? speculativeTokens(sequence, prompt, {
        temperature: 0,
        sources: { lookup: true },
        stats: drafts,
        lookupLengths: NEXT_EDIT_DRAFTS,
      })
    : sequence.evaluate([last], { temperature: 0, yieldEogToken: true });
  for await (const token of tokens) {
    if (model.isEogToken(token) || stopIds.has(token)) {
      stopReason = "stop";
      break;
    }
    generated.push(token);
    const sequenceStop = endsWithTokenTrigger(generated, stopSequences);
    if (sequenceStop > 0) {
      generated.length -= sequenceStop;
      text = model.detokenize(generated);
      stopReason = "stop";
      break;
    }
    text = model.detokenize(generated);
    const stop = stopTexts.find((candidate) => text.includes(candidate));
    if (stop !== undefined) {
      text = text.slice(0, text.indexOf(stop));
      stopReason = "stop";
      break;
    }
    if (input.earlyStop !== false && text.endsWith("\n")) {
      rewrite = earlyAnswer(text, input.currentWindow, input.answerFrame);
      if (rewrite !== undefined) {
        stopReason = "rejoined";
        break;
      }
    }
    if (options.signal.aborted) {
      stopReason = "aborted";
      break;
    }
    if (generated.length >= options.maxTokens) break;
    if (performance.now() >= deadline) {
      stopReason = "timeout";
      break;
    }
    await gate?.whenClear();
  }
  options.signal.throwIfAborted();
  return {
    rewrite: rewrite ?? text,
    complete: stopReason === "stop" || stopReason === "rejoined",
    metrics: {
      promptTokens: prompt.length,
      evaluatedPromptTokens,
      generatedTokens: generated.length,
      durationMs: performance.now() - started,
      stopReason,
      draftTokens: { drafted: drafts.drafted, accepted: drafts.accepted, longest: drafts.longest ?? 0 },
    },
    promptText,
  };
}

/**
 * The prompt as tokens, and what ends the rewrite: the format's stops (special tokens by id, the rest as text) and,
 * for an instruct model's conversation, its chat template's own (a turn's end, some of them several tokens).
 */
function nextEditPrompt(
  loaded: NextEditModel,
  input: NextEditInput,
): { prompt: Token[]; stopIds: Set<number>; stopTexts: string[]; stopSequences: Token[][]; promptText?: string } {
  const { model } = loaded;
  const stopIds = new Set<number>();
  const stopTexts: string[] = [];
  const stopSequences: Token[][] = [];
  for (const stop of input.stops) {
    const id = loaded.specialTokenId(stop);
    if (id !== undefined) stopIds.add(id);
    else stopTexts.push(stop);
  }
  if (input.chat) {
    if (loaded.renderChat === undefined) throw new Error("The next-edit model was not loaded for the instruct format.");
    const rendered = loaded.renderChat(input.chat);
    stopTexts.push(...rendered.stops.texts);
    stopSequences.push(...rendered.stops.tokens);
    return { prompt: rendered.tokens, stopIds, stopTexts, stopSequences, promptText: rendered.text };
  }
  const prompt: Token[] = [];
  if (model.tokens.shouldPrependBosToken && model.tokens.bos !== null) prompt.push(model.tokens.bos);
  for (const segment of input.prompt) {
    if ("special" in segment) {
      const id = loaded.specialTokenId(segment.special);
      if (id === undefined && segment.orText) prompt.push(...model.tokenize(segment.special, false));
      else if (id === undefined) {
        throw new EngineError(
          `${loaded.name} is not a next-edit model: its vocabulary has no ${segment.special} token.`,
          'Set hearth.nextEdit.model to a next-edit model (for example sweep-next-edit-1.5B), or set it to "" to use ghost text only.',
          "hearth.nextEdit.model",
        );
      } else prompt.push(id as Token);
    } else if (segment.text !== "") prompt.push(...model.tokenize(segment.text, false));
  }
  return { prompt, stopIds, stopTexts, stopSequences };
}
