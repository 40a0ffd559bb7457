/**
 * The chat model's draft model (hearth.chat.draftModel): a small model of the same family whose greedy guesses the
 * chat model verifies several at a time (speculativeDecoding.ts). It has a context of its own, one sequence the size
 * of the chat context, that follows whatever the chat sequence it drafts for holds.
 */
import { basename } from "node:path";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { type VocabularyView, vocabularyMismatch } from "../../core/draftVocabulary";
import { commonPrefixLength } from "../../core/prefixRouting";
import type { LocatedModel } from "../modelEngine";
import type { ModelLease } from "./modelCache";
import { createContextOrExplain } from "./modelSlot";

export interface DraftModel {
  name: string;
  model: LlamaModel;
  sequence: LlamaContextSequence;
  dispose(): Promise<void>;
}

const DRAFT_SETTING = "hearth.chat.draftModel";
const DRAFT_THREADS = 1;

/**
 * Architectures whose state is recurrent (wholly or in part): a refused draft can't be erased from their cache, only
 * re-evaluated from a checkpoint, so speculation would cost more than it saves there.
 */
const RECURRENT_ARCHITECTURES = new Set([
  "qwen35",
  "qwen35moe",
  "qwen3next",
  "mamba",
  "mamba2",
  "rwkv6",
  "rwkv6qwen2",
  "rwkv7",
  "arwkv7",
  "jamba",
  "falcon-h1",
  "granitehybrid",
  "lfm2",
  "plamo2",
  "nemotron_h",
]);

/** Whether refused draft tokens can be erased from this model's cache cheaply (speculation pays only then). */
export function canSpeculate(model: LlamaModel): boolean {
  return !RECURRENT_ARCHITECTURES.has(String(model.fileInfo.metadata.general?.architecture ?? ""));
}

/** The draft's context, or an error whose message says why the draft can't serve this chat model. */
export async function prepareDraftModel(
  target: LlamaModel,
  draft: LlamaModel,
  draftPath: string,
  contextSize: number,
): Promise<DraftModel> {
  if (!canSpeculate(target))
    throw new Error(
      `The chat model's architecture (${target.fileInfo.metadata.general?.architecture}) keeps a recurrent state that refused guesses can't be erased from, so a draft model would slow it down.`,
    );
  const mismatch = vocabularyMismatch(vocabularyOf(target, "the chat model"), vocabularyOf(draft, basename(draftPath)));
  if (mismatch !== undefined) throw new Error(mismatch);
  // One thread: a draft step is small, and with more its worker threads wait for cores the chat context's workers
  // still spin on after each verification (measured on 2 cores: 0.6 ms a guess with one thread, 6–15 ms with two).
  const context = await createContextOrExplain(draft, basename(draftPath), contextSize, DRAFT_THREADS, 1, DRAFT_SETTING);
  return { name: basename(draftPath), model: draft, sequence: context.getSequence(), dispose: () => context.dispose() };
}

function vocabularyOf(model: LlamaModel, fallbackName: string): VocabularyView {
  const listed = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
  return {
    name: model.filename ?? fallbackName,
    type: String(model.vocabularyType),
    size: listed?.length ?? 0,
    bos: model.tokens.bos,
    eos: model.tokens.eos,
    eot: model.tokens.eot,
    addsBos: model.tokens.shouldPrependBosToken,
    text: (id) => model.detokenize([id as Token], true),
  };
}

/**
 * A guess the draft model is less sure of than this ends the draft (llama.cpp's default minimum for its drafts):
 * an unsure guess is likely refused, and each refused guess costs a place in the verification batch.
 */
export const DRAFT_MIN_CONFIDENCE = 0.75;

const GREEDY = { generateNext: { token: true, confidence: true, options: { temperature: 0 } } } as const;

/**
 * Up to `count` tokens the draft model would write greedily after `tokens` (everything so far: prompt and reply, the
 * newest last), ending early at a guess it is unsure of or an end-of-generation token. Its cache is first brought to
 * `tokens`: usually only the target's latest token is new, since the draft already evaluated the drafted tokens the
 * target accepted.
 */
export async function draftTokens({ sequence, model }: DraftModel, tokens: readonly Token[], count: number): Promise<Token[]> {
  if (count <= 0 || tokens.length === 0) return [];
  const room = sequence.contextSize - tokens.length - 1;
  const wanted = Math.min(count, room);
  if (wanted <= 0) return [];
  let kept = commonPrefixLength(sequence.contextTokens, tokens);
  // The next-token choice after the last token exists only while evaluating it: evaluate it again if it is cached.
  if (kept === tokens.length) kept--;
  if (kept < sequence.contextTokens.length)
    await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.contextTokens.length }]);
  const missing = tokens.slice(kept);
  const input = [...missing.slice(0, -1), [missing[missing.length - 1], GREEDY] as const];
  const drafted: Token[] = [];
  let results = await sequence.controlledEvaluate(input as never);
  for (;;) {
    const next = results[results.length - 1]?.next;
    if (next?.token === undefined || next.token === null) break;
    if ((next.confidence ?? 1) < DRAFT_MIN_CONFIDENCE) break;
    drafted.push(next.token);
    if (drafted.length >= wanted || model.isEogToken(next.token)) break;
    results = await sequence.controlledEvaluate([[next.token, GREEDY]]);
  }
  return drafted;
}

/** A draft model as the chat model found it: ready, or why not (for the chat model's status). */
export interface DraftLoad {
  draft?: DraftModel;
  /** Why the named draft isn't used; chat goes on without it. */
  notice?: string;
  /** The draft is a download not made yet. */
  missing: boolean;
}

/**
 * Loads the draft model `located` names for `target`. Never fails the chat model: a draft that is missing, doesn't
 * load or doesn't share the vocabulary comes back as a notice, and chat runs without it.
 */
export async function loadDraftModel(
  target: LlamaModel,
  located: LocatedModel | undefined,
  acquire: (path: string) => Promise<ModelLease>,
  contextSize: number,
): Promise<DraftLoad> {
  if (located === undefined || located.path === "") return { missing: false };
  const name = basename(located.path);
  if (located.missingDownload)
    return {
      missing: true,
      notice: `The draft model ${located.missingDownload.file} is not downloaded yet, so chat runs without it: set ${DRAFT_SETTING} to a downloaded .gguf file, or clear it.`,
    };
  let lease: ModelLease;
  try {
    lease = await acquire(located.path);
  } catch (error) {
    return { missing: false, notice: `The draft model ${name} did not load (${errorText(error)}), so chat runs without it.` };
  }
  try {
    const draft = await prepareDraftModel(target, lease.model, located.path, contextSize);
    return {
      missing: false,
      draft: {
        ...draft,
        dispose: async () => {
          await draft.dispose();
          await lease.release();
        },
      },
    };
  } catch (error) {
    await lease.release();
    return {
      missing: false,
      notice: `${errorText(error)} Chat runs without it; set ${DRAFT_SETTING} to another model or clear it.`,
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
