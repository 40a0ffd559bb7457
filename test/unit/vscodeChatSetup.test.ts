/**
 * "Use Hearth in VS Code's Chat" plans exactly VS Code's verified settings (client/src/lm/chatSetupPlan.ts), and the
 * hearth_searchCode tool's text (client/src/lm/searchResultText.ts) gives paths VS Code's file tools take.
 */
import { strict as assert } from "node:assert";
import { pathToFileURL } from "node:url";
import {
  chatSetupPlan,
  type SettingState,
  VSCODE_CHAT_SETTINGS,
  type VsCodeChatSetting,
} from "../../client/src/lm/chatSetupPlan";
import { searchResultText } from "../../client/src/lm/searchResultText";

const UNSET: SettingState = { user: undefined, effective: undefined, overriddenByWorkspace: false };

function states(values: Partial<Record<VsCodeChatSetting, Partial<SettingState>>>): (key: VsCodeChatSetting) => SettingState {
  return (key) => ({ ...UNSET, ...values[key] });
}

describe("Use Hearth in VS Code's Chat: the plan", () => {
  const model = { vendor: "hearth", id: "chat-local" };

  it("on a fresh profile: anonymous access and both utility models, as vendor/id", () => {
    const plan = chatSetupPlan(states({}), model);
    assert.deepEqual(
      plan.writes.map((write) => [write.key, write.value]),
      [
        ["chat.allowAnonymousAccess", true],
        ["chat.utilityModel", "hearth/chat-local"],
        ["chat.utilitySmallModel", "hearth/chat-local"],
      ],
    );
    assert.deepEqual(plan.warnings, []);
  });

  it("turns chat back on only where it is off, and leaves what is already set", () => {
    const plan = chatSetupPlan(
      states({
        [VSCODE_CHAT_SETTINGS.disableAIFeatures]: { user: true, effective: true },
        [VSCODE_CHAT_SETTINGS.allowAnonymousAccess]: { user: true, effective: true },
        [VSCODE_CHAT_SETTINGS.utilityModel]: { user: "hearth/chat-local", effective: "hearth/chat-local" },
      }),
      model,
    );
    assert.deepEqual(
      plan.writes.map((write) => [write.key, write.value]),
      [
        ["chat.disableAIFeatures", false],
        ["chat.utilitySmallModel", "hearth/chat-local"],
      ],
    );
  });

  it("without a Hearth model leaves the utility models alone and says why; a workspace override is named", () => {
    const plan = chatSetupPlan(
      states({ [VSCODE_CHAT_SETTINGS.allowAnonymousAccess]: { effective: false, overriddenByWorkspace: true } }),
      undefined,
    );
    assert.deepEqual(
      plan.writes.map((write) => write.key),
      ["chat.allowAnonymousAccess"],
    );
    assert.match(plan.warnings.join("\n"), /no chat model listed yet/);
    assert.match(plan.warnings.join("\n"), /workspace's settings set chat\.allowAnonymousAccess/);
  });
});

describe("hearth_searchCode's text", () => {
  const hit = (file: string, text: string) => ({
    uri: pathToFileURL(`/work/project/${file}`).href,
    path: file,
    startLine: 41,
    endLine: 41 + text.split("\n").length - 1,
    text,
  });

  it("gives each hit's absolute path and lines, fenced so a snippet can't close the fence", () => {
    const text = searchResultText("retry delays", {
      hits: [hit("src/retry.ts", "const delay = 2 ** attempt;\n// ```not a fence end```")],
      byMeaning: true,
    });
    assert.equal(
      text,
      `Hearth's search by meaning found 1 place for "retry delays", most relevant first:\n\n/work/project/src/retry.ts:41-42\n${"````"}\nconst delay = 2 ** attempt;\n// \`\`\`not a fence end\`\`\`\n${"````"}`,
    );
  });

  it("passes the server's notice on, and keeps to the token budget with whole hits", () => {
    const long = "x".repeat(400);
    const text = searchResultText(
      "anything",
      { hits: [hit("a.ts", long), hit("b.ts", long), hit("c.ts", long)], byMeaning: false, notice: "Search by meaning is off" },
      250,
    );
    assert.match(
      text,
      /^Hearth's search by words found 3 places for "anything", most relevant first:\n\(Search by meaning is off\)/,
    );
    assert.match(text, /a\.ts:41-41/);
    assert.ok(!text.includes("c.ts"), text);
    assert.match(text, /\(1 more hit left out to fit the token budget\)$/);
  });
});
