/**
 * Which of a few KV-cache sequences a prompt should run on. VS Code's agent resends the same ~10k-token system prompt
 * and tool schemas in every request of every conversation, while its short utility requests (a chat title, a
 * progress message) start with other instructions: a request should land where its prompt's start is cached, and a
 * request that shares nothing much should not evict a long cache that a later request will want.
 */

/** The length of the common prefix of two token lists. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const end = Math.min(a.length, b.length);
  let index = 0;
  while (index < end && a[index] === b[index]) index++;
  return index;
}

/**
 * The index of the sequence to use for `prompt`. Using sequence i costs the prompt tokens it lacks (evaluated now)
 * plus the cached tokens the prompt discards there (evaluated again by whichever request wanted them):
 * `(prompt - shared) + (cached - shared)`. The cheapest wins, the least recently used (`lastUsed`, larger is more
 * recent) on a tie. So a follow-up or a new conversation with the agent's prefix goes where that prefix is (longest
 * common prefix), and a title request that shares only the template's first tokens with it goes to the short cache,
 * even when the two system prompts happen to start with the same words.
 */
export function chooseSequence(
  cached: readonly (readonly number[])[],
  lastUsed: readonly number[],
  prompt: readonly number[],
): number {
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let index = 0; index < cached.length; index++) {
    const shared = commonPrefixLength(cached[index], prompt);
    const cost = prompt.length - shared + (cached[index].length - shared);
    if (cost < bestCost || (cost === bestCost && lastUsed[index] < lastUsed[best])) {
      best = index;
      bestCost = cost;
    }
  }
  return best;
}
