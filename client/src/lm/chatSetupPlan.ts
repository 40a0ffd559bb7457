/**
 * Which of VS Code's own settings "Use Hearth in VS Code's Chat" writes, and why. Pure, no `vscode`.
 *
 * Every key here was read from VS Code 1.139.1's workbench (the one code-server 4.139.1 bundles), not guessed:
 * - `chat.allowAnonymousAccess` (boolean, default false): chat without a GitHub account.
 * - `chat.disableAIFeatures` (boolean, default false, window scope): true hides Chat altogether.
 * - `chat.utilityModel` / `chat.utilitySmallModel` (string, default ""): the model for titles, commit messages and
 *   progress lines; written as `vendor/id` (their `storageFormat: "vendorAndId"`), the model's `vscode.lm` id.
 * Nothing else is ever written.
 */

export const VSCODE_CHAT_SETTINGS = {
  allowAnonymousAccess: "chat.allowAnonymousAccess",
  disableAIFeatures: "chat.disableAIFeatures",
  utilityModel: "chat.utilityModel",
  utilitySmallModel: "chat.utilitySmallModel",
} as const;

export type VsCodeChatSetting = (typeof VSCODE_CHAT_SETTINGS)[keyof typeof VSCODE_CHAT_SETTINGS];

/** A setting's values as `WorkspaceConfiguration.inspect` reports them. */
export interface SettingState {
  /** The user (global) settings' value. */
  user: unknown;
  /** What applies in this window, workspace settings included. */
  effective: unknown;
  /** Set in the workspace or a folder: the user setting is overridden here. */
  overriddenByWorkspace: boolean;
}

export interface SettingWrite {
  key: VsCodeChatSetting;
  value: boolean | string;
  why: string;
}

export interface ChatSetupPlan {
  /** Written to the user settings on the user's say-so; empty when all is in place. */
  writes: SettingWrite[];
  /** Things the user should know that no user setting fixes: a workspace override, no Hearth model listed yet. */
  warnings: string[];
}

/**
 * What to write so that VS Code's chat runs on `modelId` (a `vscode.lm` model of vendor `vendor`) without a GitHub
 * account. A setting already at its value in the user settings is left alone; without a model the utility models are.
 */
export function chatSetupPlan(
  state: (key: VsCodeChatSetting) => SettingState,
  model: { vendor: string; id: string } | undefined,
): ChatSetupPlan {
  const wanted: SettingWrite[] = [
    {
      key: VSCODE_CHAT_SETTINGS.allowAnonymousAccess,
      value: true,
      why: "VS Code's chat works without signing in to GitHub",
    },
  ];
  // Only where chat is turned off: the default (false) needs no entry in the user's settings.
  if (state(VSCODE_CHAT_SETTINGS.disableAIFeatures).effective === true)
    wanted.push({ key: VSCODE_CHAT_SETTINGS.disableAIFeatures, value: false, why: "shows VS Code's chat again" });
  const warnings: string[] = [];
  if (model) {
    const value = `${model.vendor}/${model.id}`;
    wanted.push(
      { key: VSCODE_CHAT_SETTINGS.utilityModel, value, why: "chat titles and commit messages from Hearth's model" },
      { key: VSCODE_CHAT_SETTINGS.utilitySmallModel, value, why: "progress messages from Hearth's model" },
    );
  } else
    warnings.push(
      "Hearth has no chat model listed yet (pick one with Hearth: Select Model…, or wait for the server to start), so " +
        "the utility models are left as they are: run this command again once it is listed.",
    );
  const writes = wanted.filter((write) => state(write.key).user !== write.value);
  for (const write of wanted)
    if (state(write.key).overriddenByWorkspace)
      warnings.push(`This workspace's settings set ${write.key}, which overrides your user settings here.`);
  return { writes, warnings };
}

/** The plan as the confirmation shows it: each setting, its new value, and why. */
export function describeWrites(writes: readonly SettingWrite[]): string {
  return writes.map((write) => `"${write.key}": ${JSON.stringify(write.value)} (${write.why})`).join("\n");
}
