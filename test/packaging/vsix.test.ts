/**
 * `npm run package -- --target T` builds a VSIX for T on this machine, whatever T is: each carries exactly its
 * target's node-llama-cpp binaries and no other platform's native code. darwin-arm64's binary package is not in
 * this machine's node_modules, so that build also fetches it (npm's --os/--cpu) from the registry.
 * Both carry node-llama-cpp as patched at install (patches/).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import packageJson from "../../package.json";

const ROOT = join(__dirname, "..", "..");

/** Every entry of a zip file. */
function entriesOf(zip: string): string[] {
  const list = "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))";
  return execFileSync("python3", ["-c", list, zip], { encoding: "utf8" }).trim().split("\n");
}

function readEntry(zip: string, name: string): string {
  const read = "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())";
  return execFileSync("python3", ["-c", read, zip, name], { encoding: "utf8" });
}

function packageFor(target: string): string {
  const printed = execFileSync(process.execPath, [join(ROOT, "scripts", "package-vsix.mjs"), "--target", target], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const vsix = /VSIX: (\S+\.vsix)/.exec(printed)?.[1];
  assert.ok(vsix, printed);
  return join(ROOT, vsix);
}

/** The @node-llama-cpp packages a VSIX carries. */
function binaryPackagesIn(entries: string[]): string[] {
  const names = entries.flatMap((entry) => /^extension\/node_modules\/@node-llama-cpp\/([^/]+)\//.exec(entry)?.[1] ?? []);
  return [...new Set(names)].sort();
}

describe("VSIX per platform target", function () {
  this.timeout(15 * 60_000);
  const built: string[] = [];
  after(() => {
    for (const vsix of built) rmSync(vsix, { force: true });
    // Packaging leaves production bundles in dist/; the tiers after this one test the development build.
    execFileSync(process.execPath, [join(ROOT, "esbuild.mjs")], { cwd: ROOT, stdio: "ignore" });
  });

  for (const { target, binaries, foreign } of [
    { target: "linux-x64", binaries: ["linux-x64", "linux-x64-vulkan"], foreign: /darwin|win32|mac-|win-|arm64|armv7l/ },
    { target: "darwin-arm64", binaries: ["mac-arm64-metal"], foreign: /linux|win32|win-|x64/ },
  ]) {
    it(`${target}: exactly its own node-llama-cpp binaries, no other platform's native code`, () => {
      const vsix = packageFor(target);
      built.push(vsix);
      assert.equal(vsix, join(ROOT, `hearth-${target}-${packageJson.version}.vsix`));
      const entries = entriesOf(vsix);
      assert.deepEqual(binaryPackagesIn(entries), binaries);
      const natives = entries.filter((entry) => /\.(node|so|dylib|dll|metal)$/.test(entry));
      assert.ok(natives.length > 0, "the binaries are there");
      assert.deepEqual(
        natives.filter((entry) => foreign.test(entry.replace(/^extension\/node_modules\/@node-llama-cpp\/[^/]+\//, ""))),
        [],
      );
      assert.deepEqual(
        entries.filter((entry) => /node_modules\/@reflink\/reflink-/.test(entry) && !entry.includes(target)),
        [],
        "reflink's native package only where it runs",
      );
      assert.match(readEntry(vsix, "extension.vsixmanifest"), new RegExp(`TargetPlatform="${target}"`));
      // node-llama-cpp as patched at install (patches/): its speculative evaluation keeps a whole agreeing draft.
      assert.match(
        readEntry(vsix, "extension/node_modules/node-llama-cpp/dist/evaluator/LlamaContext/LlamaContext.js"),
        /validatedTokens\.push\(\[evalTokens\[i\], resultToken\]\)/,
      );
      for (const bundle of ["dist/client.js", "dist/server.js", "dist/webview.js"])
        assert.ok(entries.includes(`extension/${bundle}`));
    });
  }
});
