// Builds llama.cpp's `llama-server` from the exact llama.cpp source node-llama-cpp ships (its git bundle), once per
// llama.cpp commit, cached outside the repository. The remote-engine tests and the local-vs-remote benchmark run it.
// The build machines can't download the web UI, so it is built without it (the API is all Hearth needs).
//
//   node scripts/build-llama-server.mjs      prints the binary's path, and nothing else, on stdout
//
// Callers read that path from stdout, so everything the build tools print goes to stderr.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureCommands, toolsDirectory } from "./provision-tools.mjs";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundlePath = join(repositoryRoot, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

function log(message) {
  process.stderr.write(`[llama-server] ${message}\n`);
}

/** Runs a build tool with its stdout sent to our stderr: stdout carries only the binary's path. */
function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ["ignore", 2, 2], ...options });
}

/**
 * Native CPU build without AMX: on the AMX-capable build VMs, llama.cpp's AMX kernels crash on quantized weights
 * (SIGSEGV in ggml_backend_amx_mul_mat; the same with OpenMP off). Part of the cache key.
 */
const BUILD_FLAVOUR = "native-noamx";
const NO_AMX_FLAGS = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16";

/** The llama.cpp commit the bundle holds; the cache key, so a node-llama-cpp upgrade rebuilds. */
export function bundledLlamaCommit() {
  if (!existsSync(bundlePath)) throw new Error(`llama.cpp source bundle not found at ${bundlePath}; run npm ci first`);
  const heads = execFileSync("git", ["bundle", "list-heads", bundlePath]).toString().trim();
  const commit = heads.split(/\s+/)[0];
  if (!/^[0-9a-f]{40}$/.test(commit ?? "")) throw new Error(`Unexpected bundle heads: ${heads}`);
  return commit;
}

/** Returns the path of a built llama-server, building it first if this commit has none cached. */
export function ensureLlamaServer() {
  if (process.env.HEARTH_LLAMA_SERVER) return process.env.HEARTH_LLAMA_SERVER;
  const commit = bundledLlamaCommit();
  const folder = join(toolsDirectory(), `llama-server-${commit.slice(0, 12)}-${BUILD_FLAVOUR}`);
  const binary = join(folder, "llama-server");
  if (existsSync(join(folder, ".complete"))) return binary;

  ensureCommands({ cmake: "cmake", git: "git", "c++": "build-essential", make: "build-essential" });
  const work = `${folder}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    buildInto(work, commit, folder);
  } catch (error) {
    rmSync(work, { recursive: true, force: true }); // a failed build leaves nothing a later run could mistake for one
    throw error;
  }
  rmSync(folder, { recursive: true, force: true });
  renameSync(work, folder);
  writeFileSync(join(folder, ".complete"), "");
  return binary;
}

function buildInto(work, commit, folder) {
  const source = join(work, "src");
  log(`building llama-server from llama.cpp ${commit.slice(0, 12)} (once, ~5 min on 2 cores; cached in ${folder})`);
  run("git", ["clone", "--quiet", bundlePath, source]);
  run("cmake", [
    "-S",
    source,
    "-B",
    join(source, "build"),
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DGGML_NATIVE=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DCMAKE_BUILD_TYPE=Release",
    `-DCMAKE_C_FLAGS=${NO_AMX_FLAGS}`,
    `-DCMAKE_CXX_FLAGS=${NO_AMX_FLAGS}`,
  ]);
  run("cmake", ["--build", join(source, "build"), "--target", "llama-server", "-j", String(Math.max(1, cpus().length))]);
  const built = join(source, "build", "bin", "llama-server");
  if (!existsSync(built)) throw new Error(`The build finished but ${built} does not exist`);
  renameSync(built, join(work, "llama-server"));
  rmSync(source, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.write(`${ensureLlamaServer()}\n`);
}
