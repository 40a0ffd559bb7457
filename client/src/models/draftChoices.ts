/**
 * What "Hearth: Select Model…" offers for the draft model (hearth.chat.draftModel): the catalog's draft models, the
 * one paired with the chat model first, and what `auto` would take. Pure, no `vscode`.
 */
import type { CatalogListing } from "../../../server/src/shared/protocol";

type Model = CatalogListing["models"][number];

export interface DraftChoices {
  /** The chat model the choice is for (a catalog id), when the chat setting names one. */
  chatModel?: Model;
  /** The catalog's pair for that chat model: what `auto` takes (when both fit). */
  pair?: Model;
  /** Every catalog model that drafts for some chat model, the pair first. */
  candidates: Model[];
}

export function draftChoices(listing: CatalogListing, chatSetting: string): DraftChoices {
  const chatId = chatSetting.trim() === "auto" ? listing.recommended.chat : chatSetting.trim();
  const chatModel = listing.models.find((model) => model.id === chatId && model.role === "chat");
  const pair = chatModel?.draft === undefined ? undefined : listing.models.find((model) => model.id === chatModel.draft);
  const drafts = new Set(listing.models.map((model) => model.draft).filter((id) => id !== undefined));
  const candidates = listing.models.filter((model) => drafts.has(model.id) && model !== pair);
  return { chatModel, pair, candidates: pair ? [pair, ...candidates] : candidates };
}

/** Which chat models a draft model serves, for its line in the picker. */
export function draftsFor(listing: CatalogListing, draft: Model): string[] {
  return listing.models.filter((model) => model.draft === draft.id).map((model) => model.id);
}

/**
 * How a draft row's fit reads: the chat model's pair is judged beside the chat model (and the completion model), as
 * `auto` judges it; another candidate by its own size, `fitText` (it drafts for other chat models).
 */
export function draftFitText(choices: DraftChoices, model: Model, fitText: string): string {
  const chat = choices.chatModel;
  if (!chat || model !== choices.pair || chat.draftFits === undefined) return fitText;
  return chat.draftFits ? `fits beside ${chat.id}` : `does not fit beside ${chat.id} on this machine`;
}

/** The `auto` row's description. */
export function draftAutoText(choices: DraftChoices): string {
  const { chatModel, pair } = choices;
  if (!chatModel || !pair)
    return "the catalog's pair for the chat model, when it has one and both fit (none for the current chat model)";
  if (chatModel.draftFits === false)
    return `the catalog's pair for ${chatModel.id} is ${pair.id}, which does not fit beside it here: auto takes none`;
  return `the catalog's pair for ${chatModel.id}: ${pair.id}, when both fit`;
}
