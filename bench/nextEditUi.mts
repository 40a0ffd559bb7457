/**
 * What the user sees of next edits, in a real VS Code (code-server in headless Chromium): the time from the last
 * keystroke of a rename to the next edits drawn, from Tab to the cursor at the edit, and from Tab to the accepted
 * edit's text with the other edits still drawn. The engine is the tests' scripted next-edit engine on 127.0.0.1,
 * which answers at once: these are Hearth's own costs (the client's 250 ms pause after typing, LSP, diffing,
 * drawing); the model's time is in bench/nextEditReplay.mts.
 *
 *   npm run bench:next-edit-ui      (HEARTH_BENCH_ROUNDS=N)
 */

import { SCALE_SOURCE } from "../test/fixtures/nextEditSources";
import { ScriptedNextEditEngine } from "../test/fixtures/scriptedNextEditEngine";
import { Workbench } from "../test/ui/workbench";
import { median, startEditor } from "./support.mjs";

const ROUNDS = Number(process.env.HEARTH_BENCH_ROUNDS ?? 6);
const DRAWN = `[...document.querySelectorAll(".monaco-editor .view-lines span")]
  .map((element) => getComputedStyle(element, "::after").content).filter((content) => content === '"amount"').length`;

async function main(): Promise<void> {
  const engine = new ScriptedNextEditEngine();
  const url = await engine.listen();
  const files: Record<string, string> = {};
  for (let round = 0; round < ROUNDS; round++) files[`scale${round}.ts`] = `${SCALE_SOURCE}\n`;
  const session = await startEditor(
    {
      "hearth.engine": "remote",
      "hearth.remote.url": url,
      "hearth.remote.api": "openai",
      "hearth.remote.nextEditModel": "sweep-next-edit-1.5b",
      "hearth.completion.enabled": false,
    },
    files,
  );
  const drawn: number[] = [];
  const jump: number[] = [];
  const accept: number[] = [];
  try {
    const page = session.page;
    const workbench = new Workbench(page);
    await page
      .locator('.statusbar-item[aria-label^="Hearth completions off sweep-next-edit-1.5b"]')
      .first()
      .waitFor({ timeout: 60_000 });
    const count = () => page.evaluate(DRAWN) as Promise<number>;
    for (let round = 0; round < ROUNDS; round++) {
      await workbench.openFile(`scale${round}.ts`);
      await workbench.goTo(1, 16);
      await page.keyboard.press("Control+Shift+ArrowRight");
      await workbench.type("amount");
      let started = performance.now();
      await page.waitForFunction(`(${DRAWN}) === 3`, undefined, { timeout: 20_000, polling: 5 });
      drawn.push(performance.now() - started);
      started = performance.now();
      await page.keyboard.press("Tab");
      await workbench.cursorAt(2, 19);
      jump.push(performance.now() - started);
      started = performance.now();
      await page.keyboard.press("Tab");
      await page.waitForFunction(`(${DRAWN}) === 2`, undefined, { timeout: 10_000, polling: 5 });
      accept.push(performance.now() - started);
      if ((await count()) !== 2) throw new Error("the other edits were not kept");
    }
  } finally {
    await session.stop().catch((error: Error) => console.error(error.message));
    engine.close();
  }
  console.log(
    "\nReal VS Code (code-server 4.139.1) in headless Chromium; scripted next-edit engine on 127.0.0.1 (no model time).\n",
  );
  console.log("| step | median (ms) | max (ms) | rounds |");
  console.log("|---|---|---|---|");
  const row = (name: string, values: number[]) =>
    console.log(`| ${name} | ${median(values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${values.length} |`);
  row("last keystroke of the rename → 3 next edits drawn (includes the client's 250 ms pause)", drawn);
  row("Tab → cursor at the first edit", jump);
  row("Tab → edit accepted, the other 2 still drawn", accept);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
