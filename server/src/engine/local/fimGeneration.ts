/**
 * Runs one fill-in-the-middle request on the FIM sequence, keeping its KV cache warm between keystrokes.
 *
 * The prompt is evaluated here in small chunks rather than by node-llama-cpp's completion helper, because an abort
 * during prompt evaluation is otherwise not honoured until the whole prompt has run (seconds on a long file).
 */
import type { Token } from "node-llama-cpp";
import { fitFimParts, layoutFimPrompt } from "../../core/fimFormats";
import { contextTokens } from "../../core/repoContext";
import type { CompletionMetrics } from "../../shared/protocol";
import {
  type FimGenerationOptions,
  type FimInput,
  type FimResult,
  MIN_ALTERNATIVE_PROBABILITY,
  type RepoContextInput,
} from "../modelEngine";
import type { FimModel } from "./fimModel";
import { evaluatePrompt } from "./promptEvaluation";

/** Tokens kept free for generation beyond maxTokens, so the prompt never fills the context exactly. */
const CONTEXT_MARGIN = 8;

export async function generateFim(loaded: FimModel, input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
  const started = performance.now();
  const { model, fimSequence: sequence, fimTokens } = loaded;
  const tokenize = (text: string) => (text === "" ? [] : model.tokenize(text, false));
  // Cross-file context first; never more than a third of the context window, or it is left out.
  let context = input.context ? await renderContextTokens(loaded, input.context) : [];
  if (context.length > sequence.contextSize / 3) context = [];
  // Keep the prompt inside the context, with room for generation.
  const parts = fitFimParts(
    { prefix: tokenize(input.prefix), suffix: tokenize(input.suffix), linePrefix: tokenize(input.linePrefix) },
    sequence.contextSize - options.maxTokens - CONTEXT_MARGIN - 4 - context.length,
  );

  const beginning = model.tokens.shouldPrependBosToken ? (model.tokens.bos ?? undefined) : undefined;
  // Token ids are plain numbers in the pure layout code; node-llama-cpp brands them.
  const prompt = layoutFimPrompt(fimTokens, parts, beginning, context) as Token[];
  const head = prompt.slice(0, -1);
  const last = prompt[prompt.length - 1];

  // Reuse the longest common prefix with what the sequence already holds; evaluate the rest in abortable chunks.
  const evaluatedPromptTokens = await evaluatePrompt(sequence, head, options.signal);
  options.signal.throwIfAborted();
  if (options.evaluateOnly) {
    return {
      text: "",
      metrics: {
        promptTokens: prompt.length,
        evaluatedPromptTokens,
        generatedTokens: 0,
        durationMs: performance.now() - started,
        stopReason: "evaluateOnly",
        rawText: "",
      },
    };
  }

  const deadline = performance.now() + options.timeoutMs;
  const greedy: Continuation = options.alternativesOnly
    ? { tokens: [], text: "", stopReason: "eog" }
    : await continueGreedily(loaded, [last], [], options, deadline);
  const alternatives = options.alternatives
    ? await generateAlternatives(loaded, [...head, last], greedy.tokens[0], options, deadline)
    : undefined;
  const { text, stopReason } = greedy;
  options.signal.throwIfAborted();
  return {
    text,
    alternatives: alternatives?.texts,
    promptText: () => model.detokenize(prompt, true),
    metrics: {
      promptTokens: prompt.length,
      evaluatedPromptTokens,
      generatedTokens: greedy.tokens.length + (alternatives?.generatedTokens ?? 0),
      durationMs: performance.now() - started,
      stopReason,
      rawText: text,
    },
  };
}

interface Continuation {
  tokens: Token[];
  text: string;
  stopReason: CompletionMetrics["stopReason"];
}

/** Generates greedily after evaluating `input`; `start` are tokens already chosen (a branch's first token). */
async function continueGreedily(
  loaded: FimModel,
  input: Token[],
  start: Token[],
  options: FimGenerationOptions,
  deadline: number,
): Promise<Continuation> {
  const { model, fimSequence: sequence, fimTokens } = loaded;
  const stopTokens = new Set<number>(fimTokens.stopTokens);
  const generated: Token[] = [...start];
  let text = model.detokenize(generated);
  let stopReason: CompletionMetrics["stopReason"] = "maxTokens";
  if (generated.length >= options.maxTokens) return { tokens: generated, text, stopReason };
  for await (const token of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
    if (model.isEogToken(token) || stopTokens.has(token)) {
      stopReason = "eog";
      break;
    }
    generated.push(token);
    text = model.detokenize(generated);
    if (options.signal.aborted) {
      stopReason = "aborted";
      break;
    }
    if (generated.length >= options.maxTokens) break;
    if (performance.now() >= deadline) {
      stopReason = "timeout";
      break;
    }
    // A token may end inside a multi-byte character; judge only whole text.
    if (!text.endsWith("\uFFFD") && options.isComplete?.(text)) {
      stopReason = "scopeEnd";
      break;
    }
  }
  return { tokens: generated, text, stopReason };
}

/**
 * Other suggestions for the same prompt (Alt+] in VS Code): each starts with one of the next most likely first
 * tokens and goes on greedily, so they differ where the model was least sure. Runs after the greedy suggestion,
 * within the same deadline; the sequence is put back to the prompt after each, so the KV cache stays warm.
 * With `alternativesOnly` the greedy suggestion was not generated here; its first token is the most likely one.
 */
async function generateAlternatives(
  loaded: FimModel,
  prompt: Token[],
  greedyFirst: Token | undefined,
  options: FimGenerationOptions,
  deadline: number,
): Promise<{ texts: string[]; generatedTokens: number }> {
  const { model, fimSequence: sequence, fimTokens } = loaded;
  const head = prompt.slice(0, -1);
  await sequence.adaptStateToTokens(head, false);
  // Probabilities of the first token; the token this step samples is not used, only the distribution.
  const steps = sequence.evaluateWithMetadata(prompt.slice(-1), { probabilities: true }, { temperature: 1 });
  const first = await steps.next();
  await steps.return();
  if (first.done) return { texts: [], generatedTokens: 0 };
  const ranked = [...first.value.probabilities];
  const greedy = options.alternativesOnly ? ranked[0]?.[0] : greedyFirst;
  const stopTokens = new Set<number>(fimTokens.stopTokens);
  const firstTokens: Token[] = [];
  for (const [token, probability] of ranked) {
    if (probability < MIN_ALTERNATIVE_PROBABILITY || firstTokens.length >= (options.alternatives ?? 0)) break;
    if (token !== greedy && !model.isEogToken(token) && !stopTokens.has(token)) firstTokens.push(token);
  }
  const texts: string[] = [];
  let generatedTokens = 0;
  for (const token of firstTokens) {
    if (options.signal.aborted || performance.now() >= deadline) break;
    await sequence.adaptStateToTokens(prompt, false);
    const branch = await continueGreedily(loaded, [token], [token], options, deadline);
    texts.push(branch.text);
    generatedTokens += branch.tokens.length;
  }
  return { texts, generatedTokens };
}

/** The cross-file context as this model's tokens. */
async function renderContextTokens(loaded: FimModel, input: RepoContextInput): Promise<Token[]> {
  const tokens = await contextTokens(
    loaded.fimTokens.family,
    input,
    (special) => loaded.specialTokenId(special),
    (text) => loaded.model.tokenize(text, false),
  );
  return tokens as Token[];
}
