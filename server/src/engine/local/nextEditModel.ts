/**
 * The next-edit role's model: its own context, and a sequence that drafts tokens from the prompt (prompt-lookup
 * decoding), since a rewrite of the window mostly copies the window, which is in the prompt.
 */
import { basename } from "node:path";
import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { type NextEditPromptFormat, recogniseNextEditFormat } from "../../core/nextEdit/nextEditFormat";
import { EngineError } from "../engineError";
import { isHarmonyTemplate, opensThoughtOnResponse, type StopTriggers, stopTriggers } from "./chatTemplateRules";
import { loadLlamaModule } from "./llamaRuntime";
import { contextNotice, createContextOrExplain, type PreparedModel, type PrepareExtras } from "./modelSlot";

export interface NextEditModel extends PreparedModel {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  /** Kept between requests so the stable part of the prompt stays in its KV cache. */
  sequence: LlamaContextSequence;
  /** Speculation's own, so a guess the user never takes doesn't evict the request path's cache. */
  speculationSequence: LlamaContextSequence;
  /** The id of a special token spelled exactly so, if the vocabulary has one. */
  specialTokenId(text: string): number | undefined;
  /** The prompt format recognised from the vocabulary and file name (hearth.nextEdit.format `auto`). */
  format: NextEditPromptFormat;
  /** The instruct format's conversation in the model's own chat template, with the template's stops. */
  renderChat?(chat: { system: string; user: string }): { tokens: Token[]; stops: StopTriggers; text: string };
}

export async function prepareNextEditModel(
  model: LlamaModel,
  path: string,
  contextSize: number,
  threads: number,
  extras?: Pick<PrepareExtras, "settings">,
): Promise<NextEditModel> {
  const name = basename(path);
  // Any chat model speaks the instruct format: its own template renders the request.
  const instruct = extras?.settings.nextEdit.format === "instruct";
  const specialTokenId = (text: string) => {
    const tokens = model.tokenize(text, true);
    return tokens.length === 1 && model.isSpecialToken(tokens[0]) ? (tokens[0] as number) : undefined;
  };
  // Each format's blocks are marked by special tokens the vocabulary must have: Sweep's <|file_sep|> (Qwen),
  // Zeta 2's <[fim-suffix]> and the rest (Seed-Coder).
  const format = instruct
    ? "instruct"
    : recogniseNextEditFormat({ name, hasSpecialToken: (text) => specialTokenId(text) !== undefined });
  if (format === undefined) {
    throw new EngineError(
      `${name} is not a next-edit model: its vocabulary has no <|file_sep|> token (Sweep's format), nor Seed-Coder's <[fim-suffix]> (Zeta 2's).`,
      'Set hearth.nextEdit.model to a next-edit model (for example sweep-next-edit-1.5B or zeta-2.1), set hearth.nextEdit.format to "instruct" to use it as a chat model, or set the model to "" for ghost text only.',
      "hearth.nextEdit.model",
    );
  }
  // A reasoning model would think before every rewrite, far past a suggestion's budget: Qwen3's own no-thinking
  // form (an empty thought opening the reply) where the template is Qwen's and writes thoughts (Qwen2.5's doesn't).
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  const thinks = typeof template === "string" && template.includes("<think>");
  const settings = thinks ? { customWrapperSettings: { qwen: { thoughts: "discourage" as const } } } : undefined;
  const wrapper = instruct ? (await loadLlamaModule()).resolveChatWrapper(model, settings) : undefined;
  // Other reasoning templates think before every answer (R1 is made to, gpt-oss always writes its analysis first):
  // seconds before the first line of a rewrite, and markers named in the thought. Refused, with what to use instead.
  // So is a model its maker names a thinking one (Mellum2-…-Thinking): its template is a plain one, the model thinks.
  const qwenWithoutThoughts = thinks && wrapper?.wrapperName === "Qwen";
  const thinkingByName = /(^|[-_. ])thinking([-_. ]|$)/i.test(name);
  const alwaysThinks = (used: ChatWrapper) => isHarmonyTemplate(used) || opensThoughtOnResponse(used) || thinkingByName;
  if (wrapper && !qwenWithoutThoughts && alwaysThinks(wrapper)) {
    throw new EngineError(
      `${name} is a reasoning model: it thinks before every answer, too slowly for next edits.`,
      "Set hearth.nextEdit.model to an instruct model that answers at once (for example Qwen2.5-Coder-7B-Instruct), or to a next-edit model such as sweep-next-edit-1.5B.",
      "hearth.nextEdit.model",
    );
  }
  const context = await createContextOrExplain(model, name, contextSize, threads, 2);
  return {
    name,
    model,
    context,
    sequence: context.getSequence(),
    speculationSequence: context.getSequence(),
    specialTokenId,
    format,
    renderChat:
      wrapper &&
      ((chat) => {
        const state = wrapper.generateContextState({
          chatHistory: [
            { type: "system", text: chat.system },
            { type: "user", text: chat.user },
            { type: "model", response: [] },
          ],
        });
        return {
          tokens: state.contextText.tokenize(model.tokenizer),
          text: state.contextText.toString(),
          stops: stopTriggers(state.stopGenerationTriggers, model.tokenizer),
        };
      }),
    notice: contextNotice(context, contextSize, model),
    describe: () =>
      `next edit${wrapper ? ` (instruct, chat template: ${wrapper.wrapperName})` : ""}, context ${context.contextSize} tokens, prompt-lookup decoding`,
    dispose: () => context.dispose(),
  };
}
