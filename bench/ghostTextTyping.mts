/**
 * What the user sees while typing through a suggestion and deleting back, in a real VS Code (code-server in
 * headless Chromium): the time from each key to a ghost text that matches the new prefix, at a steady pace (the
 * next key only after the ghost text is right, plus a reading pause), with the suggestion cache on and off.
 *
 * The model is the bigram fixture at Qwen2.5-Coder-0.5B's layer shape: it costs what a real 0.5B model costs per
 * token, and its suggestion is known (`ret` → `urn a+b;`), so every expected ghost text is exact.
 *
 *   npm run bench:ghost-text-typing      (HEARTH_BENCH_THREADS=N, HEARTH_BENCH_ROUNDS=N)
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { BIGRAM_SCRIPT, REAL_SIZE, writeBigramModel } from "../test/fixtures/gguf/bigramModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { Workbench } from "../test/ui/workbench";
import { median, percentile, sleep, startEditor } from "./support.mjs";

const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const ROUNDS = Number(process.env.HEARTH_BENCH_ROUNDS ?? 4);
/** A reader's pause after the right ghost text is on screen, before the next key. */
const PAUSE_MS = 200;
const KEY_TIMEOUT_MS = 10_000;
const SUGGESTION = BIGRAM_SCRIPT.afterLetterT.writes; // after `ret`
/** Typed through, one key at a time; the last character is left, so a suggestion remains to be shown. */
const TYPED = SUGGESTION.slice(0, -1);

const READ_GHOST = `[...document.querySelectorAll(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text")]
  .map((element) => element.innerText).join("").replace(/\\u00a0/g, " ")`;

type Mode = "cache on" | "cache off";
interface Timings {
  typing: number[];
  deleting: number[];
  missed: number;
}

async function main(): Promise<void> {
  const model = join(testModelCacheDirectory(), "bigram-qwen-code-realsize-v3.gguf");
  if (!existsSync(model)) writeBigramModel(model, "qwen", "code", REAL_SIZE);
  const settings = (cache: boolean) => ({
    "hearth.completion.model": model,
    "hearth.completion.maxTokens": 16,
    "hearth.completion.suggestionCache": cache,
    "hearth.local.threads": THREADS,
  });
  const lines = Array.from({ length: 30 }, (_, i) => `const value${i} = compute(${i});`).join("\n");
  const session = await startEditor(settings(true), { "main.ts": `${lines}\n\n` });
  const results: Record<Mode, Timings> = {
    "cache on": { typing: [], deleting: [], missed: 0 },
    "cache off": { typing: [], deleting: [], missed: 0 },
  };
  try {
    const workbench = new Workbench(session.page);
    await workbench.openFile("main.ts");
    await workbench.waitForHearthState("ready", 180_000).catch(() => undefined);
    // Time from pressing `key` to the ghost text being `expected`, or undefined if it never is.
    const timeKey = async (key: string, expected: string): Promise<number | undefined> => {
      const started = performance.now();
      await session.page.keyboard.press(key);
      const matched = await session.page
        .waitForFunction(`(${READ_GHOST}) === ${JSON.stringify(expected)}`, undefined, { timeout: KEY_TIMEOUT_MS, polling: 5 })
        .then(
          () => true,
          () => false,
        );
      return matched ? performance.now() - started : undefined;
    };
    let line = 31;
    for (const mode of ["cache on", "cache off"] as const) {
      session.writeSettings(settings(mode === "cache on"));
      await sleep(1500);
      for (let round = 0; round < ROUNDS; round++) {
        await workbench.goToLineEnd(line++);
        await session.page.keyboard.press("Enter");
        await workbench.type(`let v${round} = ret`);
        await workbench.waitForGhostText(SUGGESTION, 20_000);
        await sleep(PAUSE_MS);
        for (let typed = 1; typed <= TYPED.length; typed++) {
          const elapsed = await timeKey(TYPED[typed - 1] === " " ? "Space" : TYPED[typed - 1], SUGGESTION.slice(typed));
          if (elapsed === undefined) results[mode].missed++;
          else results[mode].typing.push(elapsed);
          await sleep(PAUSE_MS);
        }
        for (let typed = TYPED.length - 1; typed >= 0; typed--) {
          const elapsed = await timeKey("Backspace", SUGGESTION.slice(typed));
          if (elapsed === undefined) results[mode].missed++;
          else results[mode].deleting.push(elapsed);
          await sleep(PAUSE_MS);
        }
        // Leave the line as code that ends the suggestion, so the next round starts clean.
        await session.page.keyboard.press("Escape");
      }
    }
  } finally {
    await session.stop().catch((error: Error) => console.error(error.message));
  }
  console.log(
    `\nModel: bigram fixture at Qwen2.5-Coder-0.5B layer shape (Q8_0), CPU, ${THREADS} threads; real VS Code (code-server 4.139.1) in headless Chromium.`,
  );
  console.log(
    `${ROUNDS} rounds: after \`ret\` the suggestion is \`${SUGGESTION}\`; type ${TYPED.length} of its characters, then Backspace ${TYPED.length} times; ${PAUSE_MS} ms pause after the right ghost text.\n`,
  );
  console.log("| suggestion cache | typing through: median / p90 (ms) | deleting back: median / p90 (ms) | keys never right |");
  console.log("|---|---|---|---|");
  for (const mode of ["cache on", "cache off"] as const) {
    const row = results[mode];
    const cell = (values: number[]) =>
      values.length ? `${median(values).toFixed(0)} / ${percentile(values, 90).toFixed(0)}` : "—";
    console.log(`| ${mode.replace("cache ", "")} | ${cell(row.typing)} | ${cell(row.deleting)} | ${row.missed} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
