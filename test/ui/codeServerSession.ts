/**
 * A real VS Code (code-server 4.139.1, VS Code 1.139.1) in headless Chromium, with Hearth's VSIX installed:
 * a fresh server, profile, extensions folder and workspace copy per session, and everything it started killed
 * by process group at the end, also on failure.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { NetworkAuditEntry } from "../../server/src/shared/networkAudit";
import CHROMIUM_ARGS from "./chromiumArgs.json";

export interface Tools {
  nodeBin: string;
  codeServer: string;
  chromium: string;
}

export interface SessionOptions {
  tools: Tools;
  /** Runs on the workspace folder once its files are written, before VS Code opens it (e.g. `git init`). */
  prepareWorkspace?: (workspace: string) => void;
  vsix: string;
  /** User (and machine) settings. */
  settings: Record<string, unknown>;
  /** Workspace files by relative path. */
  files: Record<string, string>;
  /** User keybindings (keybindings.json), e.g. a key that runs a command with arguments the palette can't pass. */
  keybindings?: Array<{ key: string; command: string; args?: unknown; when?: string }>;
}

/** Settings every UI test needs: word suggestions off (they turn ghost text into a preview), no start page, no trust prompt. */
export const QUIET_EDITOR_SETTINGS = {
  "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
  "editor.wordBasedSuggestions": "off",
  "editor.suggestOnTriggerCharacters": false,
  "editor.inlineSuggest.enabled": true,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.disableAIFeatures": true,
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export class CodeServerSession {
  readonly serverLog: string[] = [];

  private constructor(
    readonly root: string,
    readonly workspace: string,
    private readonly userDataDir: string,
    private readonly server: ChildProcess,
    private readonly browser: BrowserContext,
    readonly page: Page,
  ) {}

  static async start(options: SessionOptions): Promise<CodeServerSession> {
    const root = mkdtempSync(join(tmpdir(), "hearth-ui-"));
    const dirs = Object.fromEntries(
      ["home", "config", "data", "tmp", "user-data", "extensions", "workspace", "chromium"].map((name) => [
        name,
        join(root, name),
      ]),
    );
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    for (const [path, text] of Object.entries(options.files)) {
      mkdirSync(join(dirs.workspace, path, ".."), { recursive: true });
      writeFileSync(join(dirs.workspace, path), text);
    }
    options.prepareWorkspace?.(dirs.workspace);
    const networkLog = join(root, "network.jsonl");
    const env = {
      ...process.env,
      // Hearth's processes record their outgoing connections here (server/src/shared/networkAudit.ts).
      HEARTH_NETWORK_LOG: networkLog,
      PATH: `${options.tools.nodeBin}:${process.env.PATH}`,
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      TMPDIR: dirs.tmp,
    };
    const node = join(options.tools.nodeBin, "node");
    const common = ["--user-data-dir", dirs["user-data"], "--extensions-dir", dirs.extensions];
    execFileSync(node, [options.tools.codeServer, ...common, "--install-extension", options.vsix], { env, stdio: "pipe" });
    const session = { settings: options.settings };
    for (const scope of ["User", "Machine"]) {
      mkdirSync(join(dirs["user-data"], scope), { recursive: true });
      writeFileSync(
        join(dirs["user-data"], scope, "settings.json"),
        JSON.stringify({ ...QUIET_EDITOR_SETTINGS, ...session.settings }, null, 2),
      );
    }
    if (options.keybindings)
      writeFileSync(join(dirs["user-data"], "User", "keybindings.json"), JSON.stringify(options.keybindings, null, 2));

    const port = await freePort();
    // Its own process group, so the extension host and Hearth's language server die with it.
    const server = spawn(
      node,
      [
        options.tools.codeServer,
        ...common,
        "--auth",
        "none",
        "--bind-addr",
        `127.0.0.1:${port}`,
        "--disable-telemetry",
        "--disable-update-check",
        dirs.workspace,
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const serverLog: string[] = [];
    server.stdout?.on("data", (data: Buffer) => serverLog.push(data.toString()));
    server.stderr?.on("data", (data: Buffer) => serverLog.push(data.toString()));
    try {
      await waitForHealth(port, 30_000);
      const browser = await chromium.launchPersistentContext(dirs.chromium, {
        executablePath: options.tools.chromium,
        headless: true,
        viewport: { width: 1280, height: 800 },
        // Without the background-networking flags Chromium keeps dialling out on this offline machine.
        args: CHROMIUM_ARGS,
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      const created = new CodeServerSession(root, dirs.workspace, dirs["user-data"], server, browser, page);
      created.serverLog.push(...serverLog);
      server.stdout?.on("data", (data: Buffer) => created.serverLog.push(data.toString()));
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
      await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
      return created;
    } catch (error) {
      killGroup(server);
      throw new Error(`code-server did not start: ${error}\n${serverLog.join("")}`);
    }
  }

  /** Rewrites the user and machine settings files; VS Code notices the change and tells the extension. */
  writeSettings(settings: Record<string, unknown>): void {
    for (const scope of ["User", "Machine"]) {
      writeFileSync(
        join(this.userDataDir, scope, "settings.json"),
        JSON.stringify({ ...QUIET_EDITOR_SETTINGS, ...settings }, null, 2),
      );
    }
  }

  /** A setting as VS Code wrote it (user settings, then machine settings: where a machine-scoped one goes remotely). */
  writtenSetting(key: string): unknown {
    let value: unknown;
    for (const scope of ["User", "Machine"]) {
      const path = join(this.userDataDir, scope, "settings.json");
      if (!existsSync(path)) continue;
      const settings = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      if (key in settings) value = settings[key];
    }
    return value;
  }

  /** Outgoing connections and lookups made by Hearth's code (language server or extension), as recorded. */
  hearthNetworkActivity(): NetworkAuditEntry[] {
    const path = join(this.root, "network.jsonl");
    if (!existsSync(path)) return [];
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as NetworkAuditEntry);
  }

  /**
   * Stops the session and fails if Hearth's code opened any network connection other than to 127.0.0.1 (the
   * tests' own loopback servers, e.g. the model hub stand-in) or looked up any host name.
   */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    killGroup(this.server);
    const outside = this.hearthNetworkActivity().filter(
      (entry) =>
        (entry.kind === "dns" && entry.target !== "localhost") ||
        (entry.kind === "tcp" && !/^(127\.0\.0\.1|localhost|::1):/.test(entry.target)),
    );
    if (outside.length > 0) throw new Error(`Hearth made network requests: ${JSON.stringify(outside)}`);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no answer from /healthz on port ${port} within ${timeoutMs} ms`);
}
