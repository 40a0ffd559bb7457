#!/usr/bin/env node
// Stands in for the VS Code executable so that @vscode/test-electron's runTests({ vscodeExecutablePath }) (and
// @vscode/test-cli's useInstallation.fromPath) run extension-host tests unchanged inside code-server, the real
// VS Code that installs on machines where desktop VS Code can't be downloaded.
//
// It takes VS Code's command line (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
// --extensions-dir=, a folder), starts code-server with the smoke-test driver, opens the workbench in headless
// Chromium with the test payload, relays the test log, and exits with the tests' exit code.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureTools } from "../../scripts/provision-tools.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const CHROMIUM_ARGS = require("../ui/chromiumArgs.json");
const TIMEOUT_MS = Number(process.env.HEARTH_EXTENSION_TESTS_TIMEOUT_MS ?? 300_000);

const options = new Map();
const positional = [];
for (const arg of process.argv.slice(2)) {
  const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
  if (match) options.set(match[1], match[2] ?? true);
  else positional.push(arg);
}
const developmentPath = options.get("extensionDevelopmentPath");
const testsPath = options.get("extensionTestsPath");
if (typeof developmentPath !== "string" || typeof testsPath !== "string") {
  console.error("usage: vscode-stand-in.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]");
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), "hearth-exthost-"));
const directory = (name) => {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  return path;
};
const userDataDir = typeof options.get("user-data-dir") === "string" ? options.get("user-data-dir") : directory("user-data");
const extensionsDir = typeof options.get("extensions-dir") === "string" ? options.get("extensions-dir") : directory("extensions");
const folder = resolve(positional[0] ?? directory("workspace"));
mkdirSync(folder, { recursive: true });

// Settings the tests depend on come in through the environment, as JSON.
const settings = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  ...JSON.parse(process.env.HEARTH_VSCODE_SETTINGS ?? "{}"),
};
for (const scope of ["User", "Machine"]) {
  mkdirSync(join(userDataDir, scope), { recursive: true });
  writeFileSync(join(userDataDir, scope, "settings.json"), JSON.stringify(settings, null, 2));
}

const port = await new Promise((done) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => done(port));
  });
});
const tools = ensureTools();
const env = {
  ...process.env,
  PATH: `${tools.nodeBin}:${process.env.PATH}`,
  HOME: directory("home"),
  XDG_CONFIG_HOME: directory("config"),
  XDG_DATA_HOME: directory("data"),
  TMPDIR: directory("tmp"),
};
const server = spawn(
  join(tools.nodeBin, "node"),
  [
    tools.codeServer,
    "--auth",
    "none",
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--user-data-dir",
    userDataDir,
    "--extensions-dir",
    extensionsDir,
    "--disable-telemetry",
    "--disable-update-check",
    "--vscode-option",
    "enable-smoke-test-driver",
  ],
  { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
const serverLog = [];
server.stdout.on("data", (data) => serverLog.push(String(data)));
server.stderr.on("data", (data) => serverLog.push(String(data)));

let browser;
let exitCode = 1;
try {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > deadline) throw new Error("code-server did not answer /healthz within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launchPersistentContext(directory("chromium"), {
    executablePath: tools.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  let finish;
  const finished = new Promise((done) => {
    finish = done;
  });
  // The workbench calls these two when started with the smoke-test driver: the tests' log lines, then their exit code.
  await page.exposeFunction("codeAutomationLog", (_level, args) => {
    console.log(...(Array.isArray(args) ? args : [args]));
  });
  await page.exposeFunction("codeAutomationExit", (code) => finish(code));
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`;
  const payload = JSON.stringify([
    ["extensionDevelopmentPath", remote(developmentPath)],
    ["extensionTestsPath", remote(testsPath)],
  ]);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no test result within ${TIMEOUT_MS} ms`)), TIMEOUT_MS),
  );
  exitCode = await Promise.race([finished, timeout]);
} catch (error) {
  console.error(`vscode-stand-in: ${error instanceof Error ? error.message : error}\n${serverLog.join("")}`);
  exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  try {
    process.kill(-server.pid, "SIGKILL");
  } catch {
    // already gone
  }
}
process.exit(exitCode);
