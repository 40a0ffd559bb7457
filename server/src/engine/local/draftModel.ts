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
  path: string;
  model: LlamaModel;
  /** Ids at or above this are the target's padding: never passed to the draft. */
  vocabularySize: number;
  sequence: LlamaContextSequence;
  dispose(): Promise<void>;
}

const DRAFT_SETTING = "hearth.chat.draftModel";
const DRAFT_THREADS = 1;

/**
 * The draft model guesses from the last this-many tokens of the prompt on (not the whole conversation): its guesses
 * depend mostly on the recent text, and reading a long history on one thread would delay the first token (a 4k-token
 * chat took ~29 s on 2 cores with a 0.5B-sized draft; this bounds it to a quarter).
 */
export const DRAFT_CONTEXT_TOKENS = 1024;

/**
 * Whether refused draft tokens can be erased from this model's cache cheaply (speculation pays only then). A recurrent
 * or hybrid model's state (Mamba, RWKV, Qwen3.5/3.6's linear attention) can't be cut back: node-llama-cpp would
 * re-evaluate from a checkpoint after every refused guess. The bundled llama.cpp says which architectures those are.
 */
export function canSpeculate(model: LlamaModel): boolean {
  return !model.fileInsights.isRecurrent && !model.fileInsights.isHybrid;
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
  if (draft === target || draft.size >= target.size)
    throw new Error(
      `The draft model ${basename(draftPath)} is not smaller than the chat model: every guess would cost as much as the chat model's own token. Choose a small model of the same family.`,
    );
  const mismatch = vocabularyMismatch(vocabularyOf(target, "the chat model"), vocabularyOf(draft, basename(draftPath)));
  if (mismatch !== undefined) throw new Error(mismatch);
  // One thread: a draft step is small, and with more its worker threads wait for cores the chat context's workers
  // still spin on after each verification (measured on 2 cores: 0.6 ms a guess with one thread, 6–15 ms with two).
  const context = await createContextOrExplain(draft, basename(draftPath), contextSize, DRAFT_THREADS, 1, DRAFT_SETTING);
  return {
    name: basename(draftPath),
    path: draftPath,
    model: draft,
    vocabularySize: vocabularyOf(draft, "").size,
    sequence: context.getSequence(),
    dispose: () => context.dispose(),
  };
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
    // The vocabulary's own token strings where the file lists them (exact, and what llama.cpp compares); detokenized
    // text otherwise (lossy: byte tokens all read as U+FFFD).
    text: listed ? (id) => listed[id] ?? "" : (id) => model.detokenize([id as Token], true),
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
export async function draftTokens(
  { sequence, model, vocabularySize }: DraftModel,
  tokens: readonly Token[],
  count: number,
): Promise<Token[]> {
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
  // The target may pad its vocabulary past the draft's (up to 128 ids): such a token can't go to the draft.
  if (missing.some((token) => token >= vocabularySize)) return [];
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
  /** Where the draft will be, while it is a download not made yet. */
  missing?: string;
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
  if (located === undefined || located.path === "") return {};
  const name = basename(located.path);
  if (located.missingDownload)
    return {
      missing: located.path,
      notice: `The draft model ${located.missingDownload.file} is not downloaded yet, so chat runs without it: set ${DRAFT_SETTING} to a downloaded .gguf file, or clear it.`,
    };
  let lease: ModelLease;
  try {
    lease = await acquire(located.path);
  } catch (error) {
    return { notice: `The draft model ${name} did not load (${errorText(error)}), so chat runs without it.` };
  }
  try {
    const draft = await prepareDraftModel(target, lease.model, located.path, contextSize);
    return {
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
      notice: `${errorText(error)} Chat runs without it; set ${DRAFT_SETTING} to another model or clear it.`,
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
