/** What the extension-host suites share: Hearth's chat model as VS Code's language model API lists it. */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { HearthApi } from "../../../client/src/extension";

/** Hearth activated, and its chat model listed for vendor hearth (so its server runs). */
export async function hearthModel(): Promise<vscode.LanguageModelChat> {
  const extension = vscode.extensions.getExtension<HearthApi>("hearth.hearth");
  assert.ok(extension);
  await extension.activate();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [model] = await vscode.lm.selectChatModels({ vendor: "hearth" });
    if (model) return model;
    assert.ok(Date.now() < deadline, "no model of vendor hearth was listed");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
