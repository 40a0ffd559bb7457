// `npm start`: builds and packages Hearth, then opens it in VS Code. Uses desktop VS Code (`code`) when it is on
// PATH; otherwise starts code-server (a real VS Code in the browser) and prints its URL.
//
//   npm start [-- --port 8080] [-- FOLDER]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureTools, toolsDirectory } from "./provision-tools.mjs";

const { values, positionals } = parseArgs({ options: { port: { type: "string", default: "8080" } }, allowPositionals: true });
const root = dirname(dirname(new URL(import.meta.url).pathname));
const folder = resolve(positionals[0] ?? root);

// This machine's target (package-vsix.mjs's default).
const packaged = execFileSync(process.execPath, [join(root, "scripts", "package-vsix.mjs")], {
  cwd: root,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const vsix = join(root, /VSIX: (\S+\.vsix)/.exec(packaged)?.[1] ?? "");

if (spawnSync("code", ["--version"], { stdio: "ignore" }).status === 0) {
  execFileSync("code", ["--install-extension", vsix, "--force"], { stdio: "inherit" });
  spawn("code", [folder], { stdio: "inherit", detached: true }).unref();
  console.log(`Opened ${folder} in VS Code with ${vsix}.`);
} else {
  const tools = ensureTools();
  const profile = join(toolsDirectory(), "..", "dev-profile");
  const dirs = { userData: join(profile, "user-data"), extensions: join(profile, "extensions") };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const node = join(tools.nodeBin, "node");
  const common = ["--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];
  execFileSync(node, [tools.codeServer, ...common, "--install-extension", vsix, "--force"], { stdio: "inherit" });
  console.log(
    `\nDesktop VS Code is not on PATH; starting code-server.\nOpen http://127.0.0.1:${values.port}/?folder=${encodeURIComponent(folder)}\n`,
  );
  const server = spawn(
    node,
    [tools.codeServer, ...common, "--auth", "none", "--bind-addr", `127.0.0.1:${values.port}`, "--disable-telemetry", folder],
    {
      stdio: "inherit",
      env: { ...process.env, PATH: `${tools.nodeBin}:${process.env.PATH}` },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}
