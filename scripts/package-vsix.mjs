// Packages a VSIX per platform target, each carrying only that target's node-llama-cpp binaries.
//
//   node scripts/package-vsix.mjs                    this machine's target
//   node scripts/package-vsix.mjs --target T [--cuda] any target, from any machine
//   node scripts/package-vsix.mjs --all              every target, and the CUDA builds
//
// The extension code is bundled by esbuild; only node-llama-cpp (ESM, with native binaries) ships as a
// node_modules tree. That tree is copied into a staging folder with the binary packages of other platforms
// (and, unless --cuda, the CUDA builds) left out, then `vsce package --target` runs there. A target whose
// binary packages npm did not install here (another OS or CPU) gets them from the npm registry first, with npm's
// --os/--cpu options, into a cache folder beside the staging folder: the project's node_modules is left alone.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

/** node-llama-cpp binary packages per VS Code target: CPU everywhere, plus Vulkan or Metal where they exist. */
export const BINARIES = {
  "linux-x64": ["linux-x64", "linux-x64-vulkan"],
  "linux-arm64": ["linux-arm64"],
  "linux-armhf": ["linux-armv7l"],
  "darwin-arm64": ["mac-arm64-metal"],
  "darwin-x64": ["mac-x64"],
  "win32-x64": ["win-x64", "win-x64-vulkan"],
  "win32-arm64": ["win-arm64"],
};
export const CUDA_BINARIES = {
  "linux-x64": ["linux-x64-cuda", "linux-x64-cuda-ext"],
  "win32-x64": ["win-x64-cuda", "win-x64-cuda-ext"],
};
/** npm's --os / --cpu for a VS Code target. */
const NPM_PLATFORM = {
  "linux-x64": ["linux", "x64"],
  "linux-arm64": ["linux", "arm64"],
  "linux-armhf": ["linux", "arm"],
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "win32-x64": ["win32", "x64"],
  "win32-arm64": ["win32", "arm64"],
};

/** The VS Code target of the machine this runs on. */
export function hostTarget() {
  const target = `${process.platform}-${process.arch === "arm" ? "armhf" : process.arch}`;
  if (!(target in BINARIES)) throw new Error(`Hearth has no VSIX for ${target}; pass --target, one of ${Object.keys(BINARIES)}`);
  return target;
}

const root = dirname(dirname(new URL(import.meta.url).pathname));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const llamaVersion = JSON.parse(readFileSync(join(root, "node_modules", "node-llama-cpp", "package.json"), "utf8")).version;

function log(message) {
  process.stderr.write(`[package] ${message}\n`);
}

/** Walks node-llama-cpp's runtime dependency tree the way Node resolves it: nearest node_modules upwards. */
function resolvePackage(name, fromDirectory) {
  for (let directory = fromDirectory; directory.startsWith(root); directory = dirname(directory)) {
    const candidate = join(directory, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
  }
  return undefined;
}

/** Whether a package's `os` and `cpu` fields (npm's platform filter) allow it on the target. */
function runsOn(pkg, target) {
  const [os, cpu] = NPM_PLATFORM[target];
  const allows = (list, value) => {
    if (!Array.isArray(list)) return true;
    if (list.includes(`!${value}`)) return false;
    const positives = list.filter((entry) => !entry.startsWith("!"));
    return positives.length === 0 || positives.includes(value);
  };
  return allows(pkg.os, os) && allows(pkg.cpu, cpu);
}

/** The folder of each wanted binary package: the project's node_modules, else installed for the target. */
function binaryPackages(target, names) {
  const folders = new Map();
  const missing = [];
  for (const name of names) {
    const local = join(root, "node_modules", name);
    if (existsSync(join(local, "package.json"))) folders.set(name, local);
    else missing.push(name);
  }
  if (missing.length === 0) return folders;
  const cache = join(root, ".vsix-stage", "binaries", target);
  const installed = (name) => join(cache, "node_modules", name);
  const absent = missing.filter((name) => !existsSync(join(installed(name), "package.json")));
  if (absent.length > 0) {
    const [os, cpu] = NPM_PLATFORM[target];
    log(`installing ${absent.join(", ")} for ${target} from the npm registry`);
    mkdirSync(cache, { recursive: true });
    // As optional dependencies, npm installs the ones whose os/cpu match --os/--cpu (a plain install refuses them).
    // All of them, or npm would prune the ones installed before.
    const optionalDependencies = Object.fromEntries(missing.map((name) => [name, llamaVersion]));
    writeFileSync(join(cache, "package.json"), `${JSON.stringify({ private: true, optionalDependencies })}\n`);
    const flags = ["--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund", `--os=${os}`, `--cpu=${cpu}`];
    execFileSync("npm", ["install", ...flags], { cwd: cache, stdio: ["ignore", 2, 2] });
  }
  for (const name of missing) {
    if (!existsSync(join(installed(name), "package.json")))
      throw new Error(`${name}@${llamaVersion} did not install for ${target}`);
    folders.set(name, installed(name));
  }
  return folders;
}

/**
 * Copies node-llama-cpp's runtime dependency tree into `stage` (as `stage/node_modules/…`), with the given binary
 * packages and, of other native optional packages, only those that run on the target. Leaves out what is never
 * needed at run time (source maps, type declarations, the llama.cpp source bundle, chat templates for the CLI).
 */
export function stageRuntimePackages(stage, target, binaries = new Map()) {
  // source folder → folder in the stage, for every runtime package.
  const included = new Map();
  const include = (directory, destination) => {
    if (included.has(directory)) return;
    included.set(directory, destination);
    const pkg = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const found = resolvePackage(name, directory);
      if (found === undefined) throw new Error(`${pkg.name} needs ${name}, which is not installed`);
      include(found, join(stage, relative(root, found)));
    }
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
      if (name.startsWith("@node-llama-cpp/")) continue; // the target's own, below
      const found = resolvePackage(name, directory);
      // Another platform's native package (npm installed this machine's) stays out.
      if (found !== undefined && runsOn(JSON.parse(readFileSync(join(found, "package.json"), "utf8")), target))
        include(found, join(stage, relative(root, found)));
    }
  };
  include(join(root, "node_modules", "node-llama-cpp"), join(stage, "node_modules", "node-llama-cpp"));
  for (const [name, folder] of binaries) include(folder, join(stage, "node_modules", name));

  const SKIP = [
    /\.map$/,
    /\.d\.ts$/,
    /(^|\/)llama\/gitRelease\.bundle$/,
    /(^|\/)llama\/(llama\.cpp|localBuilds)\//,
    /(^|\/)node-llama-cpp\/templates\//,
  ];
  for (const [directory, destination] of included) {
    cpSync(directory, destination, {
      recursive: true,
      filter: (source) => {
        const path = relative(directory, source);
        // Nested node_modules are copied as packages of their own, when they are in the tree.
        if (path.startsWith("node_modules")) return false;
        return !SKIP.some((pattern) => pattern.test(relative(root, source)));
      },
    });
  }
  return included.size;
}

/** Builds one VSIX; returns its path. Expects dist/ to hold the production bundles. */
export function packageTarget(target, { cuda = false } = {}) {
  if (!(target in BINARIES)) throw new Error(`unknown target ${target}; one of ${Object.keys(BINARIES).join(", ")}`);
  if (cuda && !(target in CUDA_BINARIES)) throw new Error(`no CUDA build of node-llama-cpp for ${target}`);
  const wanted = [...BINARIES[target], ...(cuda ? CUDA_BINARIES[target] : [])].map((name) => `@node-llama-cpp/${name}`);
  const binaries = binaryPackages(target, wanted);

  const stage = join(root, ".vsix-stage", `${target}${cuda ? "-cuda" : ""}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  stageRuntimePackages(stage, target, binaries);

  for (const file of ["README.md", "LICENSE", ".vscodeignore"]) cpSync(join(root, file), join(stage, file));
  for (const file of ["dist/client.js", "dist/server.js", "dist/webview.js"]) cpSync(join(root, file), join(stage, file));
  if (existsSync(join(root, "media"))) cpSync(join(root, "media"), join(stage, "media"), { recursive: true });
  const stagedManifest = { ...manifest, dependencies: { "node-llama-cpp": manifest.dependencies["node-llama-cpp"] } };
  delete stagedManifest.devDependencies;
  delete stagedManifest.scripts;
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(stagedManifest, null, 2)}\n`);

  const out = join(root, `hearth-${target}${cuda ? "-cuda" : ""}-${manifest.version}.vsix`);
  const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
  const vsceArgs = ["package", "--target", target, "--out", out, "--allow-missing-repository", "--skip-license"];
  execFileSync(process.execPath, [vsce, ...vsceArgs, "--no-rewrite-relative-links"], { cwd: stage, stdio: ["ignore", 2, 2] });
  log(`${relative(root, out)}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB`);
  return out;
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const { values } = parseArgs({
    options: { target: { type: "string" }, cuda: { type: "boolean", default: false }, all: { type: "boolean", default: false } },
  });
  const builds = values.all
    ? [
        ...Object.keys(BINARIES).map((target) => ({ target, cuda: false })),
        ...Object.keys(CUDA_BINARIES).map((target) => ({ target, cuda: true })),
      ]
    : [{ target: values.target ?? hostTarget(), cuda: values.cuda }];
  execFileSync(process.execPath, [join(root, "esbuild.mjs"), "--production"], { stdio: ["ignore", 2, 2], cwd: root });
  for (const build of builds) console.log(`VSIX: ${relative(process.cwd(), packageTarget(build.target, build))}`);
}
