/**
 * "Hearth: Select Model…": the catalog per role, with each model's size, fit for this machine and whether it is
 * downloaded; a local file; or `auto`. Picking a model that isn't downloaded asks before downloading it.
 */
import * as vscode from "vscode";
import { type CatalogListing, CatalogRequest } from "../../../server/src/shared/protocol";
import type { CatalogRole } from "../../../server/src/shared/settings";
import { CONFIG_SECTION, readConfig } from "../config";
import type { HearthClient } from "../hearthClient";
import { draftAutoText, draftChoices, draftFitText, draftsFor } from "./draftChoices";
import { downloadWithConsent, formatBytes } from "./modelDownloads";

const FIT_TEXT: Record<CatalogListing["models"][number]["fit"], string> = {
  gpu: "fits on the GPU",
  partial: "partly on the CPU",
  cpu: "runs on the CPU",
  "too-large": "too large for this machine",
};

/** A catalog role, or the chat model's draft model (catalog chat entries that another names as its `draft`). */
type Role = CatalogRole | "draft";
/** The setting each role's choice goes to (under `hearth.`). */
const SETTING: Record<Role, string> = {
  completion: "completion.model",
  chat: "chat.model",
  draft: "chat.draftModel",
  nextEdit: "nextEdit.model",
  embedding: "agent.embeddingModel",
};
/** Roles that may be left without a model, and what that means. */
const NONE: Partial<Record<Role, string>> = {
  draft: "no draft model: the chat model writes one token at a time",
  nextEdit: "no next edits: ghost text only",
  embedding: "no embeddings: the agent's search_code ranks by terms (BM25) only",
};
type ModelItem = vscode.QuickPickItem & {
  model?: CatalogListing["models"][number];
  local?: true;
  auto?: true;
  none?: true;
  /** Next edits from the chat model (hearth.nextEdit.format `instruct`). */
  chatModel?: true;
};

export async function selectModel(hearth: HearthClient, secrets: vscode.SecretStorage, role?: Role): Promise<void> {
  const client = hearth.languageClient;
  if (!client) return;
  const current = readConfig();
  const chosenRole =
    role ??
    (
      await vscode.window.showQuickPick(
        [
          { label: "Completion model", description: current.completion.model, role: "completion" as const },
          { label: "Chat model", description: current.chat.model, role: "chat" as const },
          {
            label: "Next-edit model",
            description:
              current.nextEdit.model ||
              (current.nextEdit.format === "instruct" ? "your chat model (instruct)" : "none: ghost text only"),
            role: "nextEdit" as const,
          },
          {
            label: "Draft model",
            description: current.chat.draftModel || "none",
            detail: "A small model of the chat model's family that guesses tokens for it to check: faster replies",
            role: "draft" as const,
          },
          {
            label: "Embedding model",
            description: current.agent.embeddingModel || "none: agent search by terms only",
            detail: "Ranks the agent's search_code results by meaning, beside BM25",
            role: "embedding" as const,
          },
        ],
        { title: "Hearth: Select Model…" },
      )
    )?.role;
  if (!chosenRole) return;
  const listing = await client.sendRequest(CatalogRequest.type);
  const drafts = draftChoices(listing, current.chat.model);
  // The catalog recommends completion and chat models, and a chat model's draft; the rest is the user's choice.
  const recommended =
    chosenRole === "completion" || chosenRole === "chat"
      ? listing.recommended[chosenRole]
      : chosenRole === "draft"
        ? drafts.pair?.id
        : undefined;
  const models = chosenRole === "draft" ? drafts.candidates : listing.models.filter((model) => model.role === chosenRole);
  const items: ModelItem[] = models.map((model) => ({
    label: model.id,
    description: `${model.id === recommended ? `$(star-full) ${chosenRole === "draft" ? "pairs with your chat model" : "recommended"} · ` : ""}${formatBytes(model.sizeBytes)}, needs ${formatBytes(model.memoryBytes)} · ${chosenRole === "draft" ? draftFitText(drafts, model, FIT_TEXT[model.fit]) : FIT_TEXT[model.fit]} · ${model.downloaded ? "downloaded" : "not downloaded"}`,
    detail:
      chosenRole === "draft"
        ? `Drafts for ${draftsFor(listing, model).join(", ")} (${model.license})`
        : `${model.why} (${model.license})`,
    model,
  }));
  if (chosenRole === "draft")
    items.push({
      label: "auto",
      description: draftAutoText(drafts),
      auto: true,
    });
  if (chosenRole === "nextEdit")
    items.push({
      label: "$(comment-discussion) Your chat model",
      description: `${current.chat.model || "no chat model set"} · slower than a next-edit model, but needs none`,
      detail: "Asks the chat model to rewrite the lines around the cursor, with the errors near it (the instruct format)",
      chatModel: true,
    });
  const none = NONE[chosenRole];
  if (none) items.push({ label: "none", description: none, none: true });
  else
    items.push({ label: "auto", description: `the pick for this machine${recommended ? `: ${recommended}` : ""}`, auto: true });
  items.push({ label: "$(folder) Local file…", description: "a .gguf file on this machine", local: true });
  const hardware = listing.hardware;
  const pick = await vscode.window.showQuickPick(items, {
    title: `Hearth ${chosenRole} model — ${hardware.backend.toUpperCase()}${hardware.freeVramBytes ? `, ${formatBytes(hardware.freeVramBytes)} free VRAM` : ""}, ${formatBytes(hardware.freeRamBytes)} free RAM`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  let value: string;
  if (pick.local) {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { "GGUF models": ["gguf"] },
      title: "Choose a .gguf model",
    });
    if (!files?.[0]) return;
    value = files[0].fsPath;
  } else if (pick.none || pick.chatModel) {
    value = "";
  } else if (pick.auto) {
    value = "auto";
    const model = listing.models.find((m) => m.id === recommended);
    if (model && !model.downloaded && !(await downloadWithConsent(hearth.languageClient, secrets, model, listing.endpoint)))
      return;
  } else if (pick.model) {
    if (!pick.model.downloaded && !(await downloadWithConsent(hearth.languageClient, secrets, pick.model, listing.endpoint)))
      return;
    value = pick.model.id;
  } else {
    return;
  }
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  if (chosenRole === "nextEdit") {
    // The chat model serves next edits in the instruct format; any other choice is a model of its own format
    // (recognised), or none, which the instruct format would otherwise turn into the chat model.
    const format = pick.chatModel ? "instruct" : current.nextEdit.format === "instruct" ? "auto" : undefined;
    if (format) await config.update("nextEdit.format", format, vscode.ConfigurationTarget.Global);
  }
  await config.update(SETTING[chosenRole], value, vscode.ConfigurationTarget.Global);
}
