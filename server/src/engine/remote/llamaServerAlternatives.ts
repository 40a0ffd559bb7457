/**
 * Other suggestions from llama-server (Alt+] in VS Code), as the local engine makes them: the next most likely
 * first tokens (`n_probs` on a one-token request, which costs no prompt evaluation with `cache_prompt`), each
 * continued greedily in its own request on the same slot.
 */
import { type FimGenerationOptions, MIN_ALTERNATIVE_PROBABILITY } from "../modelEngine";
import type { RemoteHttp } from "./remoteHttp";

interface FirstTokenResponse {
  completion_probabilities?: { top_logprobs?: { id?: number; token?: string; logprob?: number }[] }[];
}

interface ContinuationResponse {
  content?: string;
  stop_type?: string;
  timings?: { predicted_n?: number };
}

export async function llamaServerAlternatives(
  http: RemoteHttp,
  prompt: number[],
  slot: number,
  options: FimGenerationOptions,
  deadline: number,
): Promise<{ texts: string[]; generatedTokens: number }> {
  const wanted = options.alternatives ?? 0;
  const common = { temperature: 0, top_k: 1, cache_prompt: true, id_slot: slot };
  const first = await http.json<FirstTokenResponse>("/completion", {
    body: { ...common, prompt, n_predict: 1, n_probs: wanted + 1, top_k: 0 },
    signal: options.signal,
  });
  // The most likely first token is the greedy suggestion's; the runners-up start the alternatives.
  const ranked = first.completion_probabilities?.[0]?.top_logprobs ?? [];
  const starts = ranked
    .slice(1)
    .filter(
      (entry) =>
        typeof entry.id === "number" &&
        typeof entry.token === "string" &&
        entry.token !== "" &&
        Math.exp(entry.logprob ?? Number.NEGATIVE_INFINITY) >= MIN_ALTERNATIVE_PROBABILITY,
    )
    .slice(0, wanted);
  const texts: string[] = [];
  let generatedTokens = 0;
  for (const start of starts) {
    const left = deadline - performance.now();
    if (options.signal.aborted || left <= 0) break;
    const rest = await http.json<ContinuationResponse>("/completion", {
      body: {
        ...common,
        prompt: [...prompt, start.id],
        n_predict: Math.max(0, options.maxTokens - 1),
        t_max_predict_ms: Math.ceil(left),
      },
      signal: options.signal,
    });
    texts.push(`${start.token}${rest.content ?? ""}`);
    // llama-server counts the end-of-generation token it stopped at; the local engine doesn't (see llamaServerFim).
    generatedTokens += 1 + Math.max(0, (rest.timings?.predicted_n ?? 0) - (rest.stop_type === "eos" ? 1 : 0));
  }
  return { texts, generatedTokens };
}
