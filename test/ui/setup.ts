/**
 * What every VS Code test run needs first: the tools (provisioned once, cached) and the VSIX under test.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Tools } from "./codeServerSession";

const ROOT = join(__dirname, "..", "..");

/** Packages the VSIX the way users get it (once per run). */
export function packageVsix(): string {
  const output = execFileSync(process.execPath, [join(ROOT, "scripts", "package-vsix.mjs"), "--target", "linux-x64"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const match = /VSIX: (\S+\.vsix)/.exec(output);
  if (!match) throw new Error(`packaging printed no VSIX path:\n${output}`);
  return join(ROOT, match[1]);
}

export function provisionedTools(): Tools {
  return JSON.parse(
    execFileSync(process.execPath, [join(ROOT, "scripts", "provision-tools.mjs")], { encoding: "utf8" }),
  ) as Tools;
}
