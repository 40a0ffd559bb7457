/**
 * The tool scripts on a machine with empty caches: what they print on stdout is what their callers parse, and a
 * failed step keeps nothing. Real scripts, real npm; stand-in `git` and `cmake` replace the 5-minute llama.cpp build.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const FAKE_COMMIT = "0123456789abcdef0123456789abcdef01234567";

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** `git` and `cmake` that chatter on stdout like the real ones, and whose "build" makes a llama-server file. */
function standInBuildTools(folder: string, { buildFails = false } = {}): void {
  mkdirSync(folder, { recursive: true });
  writeExecutable(
    join(folder, "git"),
    `#!/bin/sh
case "$1" in
  bundle) echo "${FAKE_COMMIT} HEAD" ;;
  clone) echo "Cloning into '$4'..."; mkdir -p "$4" ;;
esac
`,
  );
  writeExecutable(
    join(folder, "cmake"),
    `#!/bin/sh
echo "-- The C compiler identification is GNU 12.2.0"
if [ "$1" = "--build" ]; then
  echo "[100%] Built target llama-server"
  ${buildFails ? "exit 2" : 'mkdir -p "$2/bin" && echo "#!/bin/sh" > "$2/bin/llama-server"'}
fi
`,
  );
}

function buildLlamaServer(tools: string, standIns: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, HEARTH_TOOLS_DIR: tools, PATH: `${standIns}${delimiter}${process.env.PATH}` };
  delete env.HEARTH_LLAMA_SERVER;
  return spawnSync(process.execPath, [join(ROOT, "scripts", "build-llama-server.mjs")], { env, encoding: "utf8" });
}

/** Runs provision-tools' `ensureNpmInstall` in a child Node, as `npm test` would, with the given environment. */
function ensureNpmInstall(folder: string, spec: string, env: NodeJS.ProcessEnv) {
  const script = `import { ensureNpmInstall } from ${JSON.stringify(join(ROOT, "scripts", "provision-tools.mjs"))};
ensureNpmInstall(${JSON.stringify(folder)}, ${JSON.stringify(spec)}, { nodeBin: ${JSON.stringify(dirname(process.execPath))} });`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" });
}

/** A package whose postinstall writes down the user agent npm gave it, or fails. */
function probePackage(scratch: string, { postinstallFails = false } = {}): string {
  const source = join(scratch, "probe");
  mkdirSync(source);
  const record = `require('fs').writeFileSync(${JSON.stringify(join(scratch, "seen.json"))}, JSON.stringify({agent: process.env.npm_config_user_agent, node: process.version}))`;
  const postinstall = postinstallFails ? 'node -e "process.exit(3)"' : `node -e "${record.replaceAll('"', '\\"')}"`;
  writeFileSync(
    join(source, "package.json"),
    JSON.stringify({ name: "hearth-probe", version: "1.0.0", scripts: { postinstall } }),
  );
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: source, encoding: "utf8" });
  return join(scratch, tarball.trim());
}

describe("tool provisioning on empty caches", function () {
  this.timeout(60_000);
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), "hearth-provision-"));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it("build-llama-server prints only the binary's path on stdout, however much the build tools print", () => {
    standInBuildTools(join(scratch, "bin"));
    const tools = join(scratch, "tools");
    const result = buildLlamaServer(tools, join(scratch, "bin"));
    assert.equal(result.status, 0, result.stderr);
    const binary = join(tools, `llama-server-${FAKE_COMMIT.slice(0, 12)}-native-noamx`, "llama-server");
    assert.equal(result.stdout, `${binary}\n`);
    assert.ok(existsSync(binary));
    assert.match(result.stderr, /Built target llama-server/, "the tools' output still reaches the log");
    // Cached now: the same path again, and no build.
    const again = buildLlamaServer(tools, join(scratch, "bin"));
    assert.equal(again.stdout, `${binary}\n`);
    assert.doesNotMatch(again.stderr, /Built target/);
  });

  it("a failed llama-server build leaves nothing in the tools folder", () => {
    standInBuildTools(join(scratch, "bin"), { buildFails: true });
    const tools = join(scratch, "tools");
    const result = buildLlamaServer(tools, join(scratch, "bin"));
    assert.notEqual(result.status, 0);
    assert.deepEqual(readdirSync(tools), []);
  });

  it("install scripts see the Node that runs the install, not the outer npm's", () => {
    const tarball = probePackage(scratch);
    const folder = join(scratch, "tools", "probe");
    // What `npm test` exports to everything it runs; a nested npm would take these for its own settings.
    const outer = { ...process.env, npm_config_user_agent: "npm/11.19.1 node/v18.0.0 linux x64 workspaces/false" };
    const result = ensureNpmInstall(folder, tarball, { ...outer, npm_config_nodedir: "/nonexistent" });
    assert.equal(result.status, 0, result.stderr);
    const seen = JSON.parse(readFileSync(join(scratch, "seen.json"), "utf8"));
    assert.match(seen.agent, new RegExp(` node/${seen.node.replaceAll(".", "\\.")} `));
    assert.ok(existsSync(join(folder, ".complete")));
    assert.ok(!existsSync(`${folder}.partial`));
  });

  it("a failed npm install keeps neither the folder nor its partial install", () => {
    const tarball = probePackage(scratch, { postinstallFails: true });
    const folder = join(scratch, "tools", "probe");
    const result = ensureNpmInstall(folder, tarball, process.env);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /nothing was kept/);
    assert.deepEqual(readdirSync(join(scratch, "tools")), []);
  });
});
