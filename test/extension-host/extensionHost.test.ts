/**
 * Runs the extension-host suite (test/extension-host/suite) the standard way, @vscode/test-electron's runTests,
 * with code-server standing in for the VS Code executable. On a machine with desktop VS Code the same suite runs
 * against it by leaving out vscodeExecutablePath.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTests } from "@vscode/test-electron";
import { build } from "esbuild";
import { bigramModelPath } from "../fixtures/gguf/testModels";

const ROOT = join(__dirname, "..", "..");

describe("extension-host tests (mocha inside VS Code)", function () {
  this.timeout(600_000);

  it("pass in code-server through the @vscode/test-electron contract", async () => {
    const testsBundle = join(ROOT, "dist-test", "extension-host.js");
    await build({
      entryPoints: [join(__dirname, "suite", "index.ts")],
      outfile: testsBundle,
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      external: ["vscode", "mocha"],
      logLevel: "warning",
    });
    const scratch = mkdtempSync(join(tmpdir(), "hearth-exthost-run-"));
    const exitCode = await runTests({
      vscodeExecutablePath: join(__dirname, "vscode-stand-in.mjs"),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: testsBundle,
      launchArgs: [
        join(scratch, "workspace"),
        `--user-data-dir=${join(scratch, "user-data")}`,
        `--extensions-dir=${join(scratch, "extensions")}`,
      ],
      extensionTestsEnv: {
        // Where the user settings are, so a test can check that nothing but what it expects was written there.
        HEARTH_TEST_USER_DATA_DIR: join(scratch, "user-data"),
        HEARTH_VSCODE_SETTINGS: JSON.stringify({
          "hearth.completion.model": bigramModelPath("qwen"),
          // Replies "z" until stopped: long enough to kill the server mid-reply.
          "hearth.chat.model": bigramModelPath("qwen", "endlessChat"),
          "hearth.chat.maxTokens": 4096,
          "hearth.local.contextSize": 8192,
          "hearth.local.threads": 1,
        }),
      },
    });
    assert.equal(exitCode, 0);
  });
});
