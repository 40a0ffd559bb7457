/**
 * What every VS Code test run needs first: the tools (provisioned once, cached) and the VSIX under test.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { CodeServerSession, Tools } from "./codeServerSession";

// __filename, not __dirname: tsx defines only the former when an ESM benchmark imports this file.
const ROOT = join(dirname(__filename), "..", "..");

/** Packages the VSIX the way users get it (once per run). */
export function packageVsix(): string {
  const output = execFileSync(process.execPath, [join(ROOT, "scripts", "package-vsix.mjs"), "--target", "linux-x64"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const match = /VSIX: (\S+\.vsix)/.exec(output);
  if (!match) throw new Error(`packaging printed no VSIX path:\n${output}`);
  return join(ROOT, match[1]);
}

/** A scripted OpenAI-compatible engine at `url` as Hearth's chat model; no ghost text. */
export function remoteChatSettings(url: string): Record<string, unknown> {
  return {
    "hearth.engine": "remote",
    "hearth.remote.url": url,
    "hearth.remote.api": "openai",
    "hearth.remote.chatModel": "chat",
    "hearth.completion.enabled": false,
  };
}

export function provisionedTools(): Tools {
  return JSON.parse(
    execFileSync(process.execPath, [join(ROOT, "scripts", "provision-tools.mjs")], { encoding: "utf8" }),
  ) as Tools;
}

const ARTIFACTS = join(ROOT, "test-artifacts", "ui");

/** After a failed UI test: a screenshot and Hearth's logs (output channel, extension host) in test-artifacts/ui. */
export async function saveFailureArtifacts(session: CodeServerSession | undefined, testTitle: string): Promise<void> {
  if (!session) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const prefix = testTitle.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  const saved = [join(ARTIFACTS, `${prefix}.png`)];
  await session.page.screenshot({ path: saved[0] }).catch(() => undefined);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/Hearth|exthost/i.test(name) && name.endsWith(".log")) {
        const target = join(ARTIFACTS, `${prefix}-${name}`);
        copyFileSync(path, target);
        saved.push(target);
      }
    }
  };
  const logs = join(session.root, "user-data", "logs");
  if (existsSync(logs)) walk(logs);
  console.log(`    UI failure artifacts: ${saved.map((path) => relative(ROOT, path)).join(", ")}`);
}

/**
 * The failure policy of a UI suite. A test that fails is run once more: the browser, the workbench and the extension
 * host each add timing of their own, and one stray miss (a CodeLens drawn late) should not sink a landing. The first
 * failure is never hidden: its error is printed with the test's title and its screenshot and logs are kept, as for a
 * test that fails both times. The second try runs in the same session, after whatever the first left behind.
 */
export function uiFailurePolicy(suite: Mocha.Suite, session: () => CodeServerSession | undefined, prefix: string): void {
  suite.retries(1);
  // Mocha keeps no error of an attempt it runs again, so each test's own failure is printed as it happens.
  suite.on("test", (test: Mocha.Test) => {
    const run = test.fn;
    if (!run) return;
    let tries = 0; // the retried copy of a test shares this function
    test.fn = async function (this: Mocha.Context) {
      tries++;
      try {
        return await (run as (this: Mocha.Context) => unknown).call(this);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.log(`    UI test try ${tries} failed: ${message.split("\n").slice(0, 4).join(" / ")}`);
        throw error;
      }
    };
  });
  suite.afterEach(async function () {
    const test = this.currentTest;
    if (!test || test.state === "passed") return;
    // Mocha leaves the state unset on an attempt it is about to run again.
    if (test.state === undefined) console.log(`    UI test failed once, running it again: ${test.title}`);
    await saveFailureArtifacts(session(), `${test.state === undefined ? "first try " : ""}${prefix}${test.title}`);
  });
}
