/**
 * A next-edit prediction in Zeta 2's format, end to end over a recording engine: `auto` asks the engine for the
 * model's format, the prompt holds the edit being typed as the latest diff and the cursor in its block, the answer's
 * blocks come back as minimal edits, and a window that spells a marker is never sent.
 */
import { strict as assert } from "node:assert";
import { EditHistory } from "../../server/src/core/nextEdit/editHistory";
import { segmentsAsText } from "../../server/src/core/repoContext";
import type { ModelEngine, NextEditInput, NextEditResult } from "../../server/src/engine/modelEngine";
import { predictNextEdit } from "../../server/src/nextEdit/predictNextEdit";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

const OLD = "function scale(value: number) {\n  const doubled = value * 2;\n  return doubled;\n}\n";
const NOW = OLD.replace("(value", "(amount");

/** An engine that says its model is Zeta 2 and answers every prompt with `answer`, recording what it was asked. */
function recordingEngine(answer: string) {
  const seen: { inputs: NextEditInput[]; formatAsked: number } = { inputs: [], formatAsked: 0 };
  const engine = {
    nextEditFormat: async () => {
      seen.formatAsked++;
      return "zeta2" as const;
    },
    predictEdit: async (input: NextEditInput): Promise<NextEditResult> => {
      seen.inputs.push(input);
      const metrics = { promptTokens: 1, evaluatedPromptTokens: 1, generatedTokens: 1, durationMs: 1 };
      return { rewrite: answer, complete: true, metrics: { ...metrics, stopReason: "stop" } };
    },
  };
  return { engine: engine as unknown as ModelEngine, seen };
}

function typedRename(text = NOW) {
  const history = new EditHistory();
  history.opened("file:///w/src/scale.ts", "src/scale.ts", text.replace("(amount", "(value"));
  history.changed("file:///w/src/scale.ts", text, 0);
  return history;
}

const input = (text = NOW) => ({
  uri: "file:///w/src/scale.ts",
  text,
  cursorLine: 0,
  cursorCharacter: "function scale(amount".length,
  path: "src/scale.ts",
  relatedFiles: [],
});

describe("next edit: a Zeta 2 prediction", () => {
  it("asks the engine for the format, sends Zed's prompt, and turns the answer's blocks into the rename's edits", async () => {
    const answer = `<|marker_1|>${NOW.replace("= value", "= amount")}<|marker_2|>`;
    const { engine, seen } = recordingEngine(answer);
    const settings = { ...DEFAULT_SETTINGS.nextEdit, format: "auto" as const };
    const { edits, report } = await predictNextEdit(engine, typedRename(), input(), settings, new AbortController().signal);
    assert.equal(seen.formatAsked, 1);
    assert.deepEqual(edits, [{ range: { start: { line: 1, character: 18 }, end: { line: 1, character: 23 } }, text: "amount" }]);
    const sent = seen.inputs[0];
    assert.equal(
      segmentsAsText(sent.prompt),
      [
        "<[fim-suffix]>\n<[fim-prefix]>",
        // The edit being typed is the latest diff, with Zed's three lines of context.
        "<filename>edit_history\n--- a/src/scale.ts\n+++ b/src/scale.ts\n@@ -1,4 +1,4 @@\n",
        "-function scale(value: number) {\n+function scale(amount: number) {\n   const doubled = value * 2;\n   return doubled;\n }\n",
        "\n",
        "<filename>src/scale.ts\n",
        "<|marker_1|>function scale(amount<|user_cursor|>: number) {\n  const doubled = value * 2;\n  return doubled;\n}\n",
        "<|marker_2|>\n<[fim-middle]>",
      ].join(""),
    );
    assert.equal(report.promptText, segmentsAsText(sent.prompt));
    assert.deepEqual(sent.stops, ["<[end\u2581of\u2581sentence]>"]);
    assert.equal(sent.earlyStop, false, "the answer is blocks, not the window: no early stop on it");
  });

  it("uses the format set without asking the engine", async () => {
    const { engine, seen } = recordingEngine("<|marker_1|><|marker_1|>");
    const settings = { ...DEFAULT_SETTINGS.nextEdit, format: "zeta2" as const };
    const { edits, report } = await predictNextEdit(engine, typedRename(), input(), settings, new AbortController().signal);
    assert.equal(seen.formatAsked, 0);
    assert.equal(seen.inputs.length, 1);
    assert.deepEqual(edits, []);
    assert.equal(report.dropped, "unchanged");
  });

  it("reports an answer it can't place, and never sends a window that spells a marker", async () => {
    const settings = { ...DEFAULT_SETTINGS.nextEdit, format: "zeta2" as const };
    const garbled = recordingEngine("function scale(amount: number) {");
    const unreadable = await predictNextEdit(garbled.engine, typedRename(), input(), settings, new AbortController().signal);
    assert.equal(unreadable.report.dropped, "unreadable");

    const spelled = `${NOW}const tag = "<|marker_2|>";\n`;
    const { engine, seen } = recordingEngine("<|marker_1|>x\n<|marker_2|>");
    const refused = await predictNextEdit(engine, typedRename(spelled), input(spelled), settings, new AbortController().signal);
    assert.equal(seen.inputs.length, 0, "the model is not asked");
    assert.deepEqual(refused.edits, []);
    assert.equal(refused.report.dropped, "regionSpellsMarker");
  });
});
