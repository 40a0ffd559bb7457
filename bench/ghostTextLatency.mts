/**
 * What the user sees, in a real VS Code (code-server in headless Chromium) on the realistic-speed model: the time
 * from pressing Tab on a suggestion to the next ghost text on screen, with speculation on and off. With it on, the
 * next suggestion was computed while the first was shown, so it comes from the cache; with it off, the model runs
 * after the Tab.
 *
 *   npm run bench:ghost-text      (HEARTH_BENCH_THREADS=N, HEARTH_BENCH_ROUNDS=N)
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { Workbench } from "../test/ui/workbench";
import { median, startEditor } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const ROUNDS = Number(process.env.HEARTH_BENCH_ROUNDS ?? 8);
const READ_TEXT = `[...document.querySelectorAll(".monaco-editor .view-lines .view-line")].map((line) => line.innerText).join("\\n")`;
const GHOST = `[...document.querySelectorAll(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text")].map((e) => e.innerText).join("")`;

async function main(): Promise<void> {
  const model = speedModelPath(testModelCacheDirectory(), ROOT);
  const settings = (speculate: boolean) => ({
    "hearth.completion.model": model,
    "hearth.completion.maxTokens": 8,
    "hearth.completion.speculate": speculate,
    "hearth.local.threads": THREADS,
  });
  const lines = Array.from({ length: 30 }, (_, i) => `const value${i} = compute(${i});`).join("\n");
  const session = await startEditor(settings(true), { "main.ts": `${lines}\n\n` });
  const results: Record<string, number[]> = { on: [], off: [] };
  try {
    const workbench = new Workbench(session.page);
    await workbench.openFile("main.ts");
    await workbench.waitForHearthState("ready", 180_000).catch(() => undefined);
    for (const mode of ["on", "off"] as const) {
      session.writeSettings(settings(mode === "on"));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (let round = 0; round < ROUNDS; round++) {
        await workbench.goToLineEnd(31 + round);
        await session.page.keyboard.press("Enter");
        await workbench.type(`const total${mode}${round} = `);
        // Wait for the first suggestion, then give speculation the time a reader takes to look at it.
        const shown = await session.page.waitForFunction(`(${GHOST}).trim().length > 0`, undefined, { timeout: 20_000 }).then(
          () => true,
          () => false,
        );
        if (!shown) {
          if (process.env.HEARTH_BENCH_DEBUG) {
            await session.page.screenshot({ path: `/tmp/ghost-${mode}-${round}.png` });
            console.log(`round ${round}: no ghost text; editor: ${JSON.stringify((await workbench.editorText()).slice(-200))}`);
          }
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const before = (await session.page.evaluate(GHOST)) as string;
        const textBefore = (await workbench.editorText()).length;
        const started = performance.now();
        await session.page.keyboard.press("Tab");
        // Accepted (the text grew) and a ghost text shown again: the suggestion after the Tab. The accepted one's
        // ghost text is gone the moment it becomes text, so a ghost seen with the longer text is the new one.
        const next = await session.page
          .waitForFunction(
            `(() => { const text = ${READ_TEXT}; return text.length > ${textBefore} && (${GHOST}).trim().length > 0; })()`,
            undefined,
            { timeout: 20_000, polling: 5 },
          )
          .then(
            () => true,
            () => false,
          );
        if (next) results[mode].push(performance.now() - started);
        else if (process.env.HEARTH_BENCH_DEBUG) {
          await session.page.screenshot({ path: `/tmp/ghost-${mode}-${round}.png` });
          console.log(
            `round ${round}: shown ${JSON.stringify(before)}, after Tab ${JSON.stringify(await session.page.evaluate(GHOST))}; line: ${JSON.stringify((await workbench.editorText()).split("\n").slice(-3))}`,
          );
        }
      }
    }
  } finally {
    await session.stop().catch((error: Error) => console.error(error.message));
  }
  console.log(
    `\nModel: random-weight Qwen2.5-Coder-0.5B dimensions (Q8_0), CPU, ${THREADS} threads; real VS Code (code-server 4.139.1) in headless Chromium.\n`,
  );
  console.log("| speculation | Tab → next ghost text, median (ms) | rounds measured |");
  console.log("|---|---|---|");
  for (const mode of ["on", "off"] as const) {
    console.log(
      `| ${mode} | ${results[mode].length ? median(results[mode]).toFixed(0) : "—"} | ${results[mode].length} of ${ROUNDS} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
