// Packages a VSIX for one platform target that carries only that target's node-llama-cpp binaries.
//
//   node scripts/package-vsix.mjs --target linux-x64 [--cuda]
//
// The extension code is bundled by esbuild; only node-llama-cpp (ESM, with native binaries) ships as a
// node_modules tree. That tree is copied into a staging folder with the binary packages of other platforms
// (and, unless --cuda, the CUDA builds) left out, then `vsce package --target` runs there.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { target: { type: "string", default: "linux-x64" }, cuda: { type: "boolean", default: false } },
});
const target = values.target;
const root = dirname(dirname(new URL(import.meta.url).pathname));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** node-llama-cpp binary packages per VS Code target: CPU everywhere, plus Vulkan or Metal where they exist. */
const BINARIES = {
  "linux-x64": ["linux-x64", "linux-x64-vulkan"],
  "linux-arm64": ["linux-arm64"],
  "linux-armhf": ["linux-armv7l"],
  "darwin-arm64": ["mac-arm64-metal"],
  "darwin-x64": ["mac-x64"],
  "win32-x64": ["win-x64", "win-x64-vulkan"],
  "win32-arm64": ["win-arm64"],
};
const CUDA_BINARIES = {
  "linux-x64": ["linux-x64-cuda", "linux-x64-cuda-ext"],
  "win32-x64": ["win-x64-cuda", "win-x64-cuda-ext"],
};
if (!(target in BINARIES)) throw new Error(`unknown target ${target}; one of ${Object.keys(BINARIES).join(", ")}`);
if (values.cuda && !(target in CUDA_BINARIES)) throw new Error(`no CUDA build of node-llama-cpp for ${target}`);
const wantedBinaries = new Set(
  [...BINARIES[target], ...(values.cuda ? CUDA_BINARIES[target] : [])].map((name) => `@node-llama-cpp/${name}`),
);

execFileSync(process.execPath, [join(root, "esbuild.mjs"), "--production"], { stdio: "inherit", cwd: root });

const stage = join(root, ".vsix-stage", `${target}${values.cuda ? "-cuda" : ""}`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// Walk node-llama-cpp's runtime dependency tree the way Node resolves it: nearest node_modules upwards.
function resolvePackage(name, fromDirectory) {
  for (let directory = fromDirectory; directory.startsWith(root); directory = dirname(directory)) {
    const candidate = join(directory, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
  }
  return undefined;
}
const included = new Set();
function include(directory) {
  if (included.has(directory)) return;
  included.add(directory);
  const pkg = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    const found = resolvePackage(name, directory);
    if (found === undefined) throw new Error(`${pkg.name} needs ${name}, which is not installed`);
    include(found);
  }
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    if (name.startsWith("@node-llama-cpp/") && !wantedBinaries.has(name)) continue;
    const found = resolvePackage(name, directory);
    if (found !== undefined) include(found);
  }
}
include(join(root, "node_modules", "node-llama-cpp"));
for (const name of wantedBinaries) {
  if (![...included].some((directory) => directory.endsWith(join("node_modules", name)))) {
    throw new Error(`${name} is not installed; run npm ci on a machine that receives it`);
  }
}

// Files inside packages that are never needed at run time.
const SKIP = [/\.map$/, /\.d\.ts$/, /(^|\/)llama\/gitRelease\.bundle$/, /(^|\/)node-llama-cpp\/templates\//];
for (const directory of included) {
  const relativeDirectory = relative(root, directory);
  cpSync(directory, join(stage, relativeDirectory), {
    recursive: true,
    filter: (source) => {
      const path = relative(root, source);
      // Nested node_modules are copied as packages of their own, when they are in the tree.
      if (path !== relativeDirectory && path.startsWith(join(relativeDirectory, "node_modules"))) return false;
      return !SKIP.some((pattern) => pattern.test(path));
    },
  });
}

for (const file of ["README.md", "LICENSE", ".vscodeignore"]) cpSync(join(root, file), join(stage, file));
for (const file of ["dist/client.js", "dist/server.js", "dist/webview.js"])
  cpSync(join(root, file), join(stage, file), { recursive: true });
if (existsSync(join(root, "media"))) cpSync(join(root, "media"), join(stage, "media"), { recursive: true });
const stagedManifest = { ...manifest, dependencies: { "node-llama-cpp": manifest.dependencies["node-llama-cpp"] } };
delete stagedManifest.devDependencies;
delete stagedManifest.scripts;
writeFileSync(join(stage, "package.json"), `${JSON.stringify(stagedManifest, null, 2)}\n`);

const suffix = values.cuda ? "-cuda" : "";
const out = join(root, `hearth-${target}${suffix}-${manifest.version}.vsix`);
const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
execFileSync(
  process.execPath,
  [
    vsce,
    "package",
    "--target",
    target,
    "--out",
    out,
    "--allow-missing-repository",
    "--skip-license",
    "--no-rewrite-relative-links",
  ],
  {
    cwd: stage,
    stdio: ["ignore", "inherit", "inherit"],
  },
);
console.log(
  `VSIX: ${relative(process.cwd(), out)} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB, ${included.size} runtime packages)`,
);
