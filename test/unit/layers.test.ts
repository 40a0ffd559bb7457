/**
 * The layer rule (ARCHITECTURE.md), checked on every import of the client, the webview and the server:
 *
 *   shared/   the contract both sides use: imports shared/ only
 *   core/     pure prompt and text code: shared/, core/
 *   base      server/src/{logger,paramChecks,feature}.ts: shared/ and each other
 *   engine/   model engines: shared/, core/, base, engine/
 *   features  completion/, nextEdit/, actions/, chat/, context/, models/, agent/, lm/: the layers above and their own folder, never another feature
 *   entry     server.ts, configuration.ts, notebookCellMap.ts: anything
 *   client/src/      shared/ and client/src/
 *   client/webview/  the chat message types (shared/chatProtocol.ts) and client/webview/
 *
 * Import circles are Biome's `noImportCycles` (biome.json), run by `npm run lint`.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const FEATURES = ["completion", "nextEdit", "actions", "chat", "context", "models", "agent", "lm"];
const BASE = ["server/src/logger.ts", "server/src/paramChecks.ts", "server/src/feature.ts"];
const ENTRY = ["server/src/server.ts", "server/src/configuration.ts", "server/src/notebookCellMap.ts"];

/** The layer of a repository-relative path, with the feature's name for features. */
function layerOf(path: string): string | undefined {
  if (path.startsWith("server/src/shared/")) return "shared";
  if (path.startsWith("server/src/core/")) return "core";
  if (path.startsWith("server/src/engine/")) return "engine";
  if (BASE.includes(path)) return "base";
  if (ENTRY.includes(path)) return "entry";
  const feature = FEATURES.find((name) => path.startsWith(`server/src/${name}/`));
  if (feature) return `feature:${feature}`;
  if (path.startsWith("client/src/")) return "client";
  if (path.startsWith("client/webview/")) return "webview";
  return undefined;
}

const ALLOWED: Record<string, (to: string, toPath: string) => boolean> = {
  shared: (to) => to === "shared",
  core: (to) => to === "shared" || to === "core",
  base: (to) => to === "shared" || to === "base",
  engine: (to) => ["shared", "core", "base", "engine"].includes(to),
  entry: (to) => to !== "client" && to !== "webview",
  client: (to) => to === "shared" || to === "client",
  webview: (to, toPath) => to === "webview" || toPath === "server/src/shared/chatProtocol.ts",
};

/** Why an import from one file to another breaks the layers, or undefined when it doesn't. */
function layerViolation(fromPath: string, toPath: string): string | undefined {
  const from = layerOf(fromPath);
  const to = layerOf(toPath);
  if (from === undefined) return undefined;
  if (to === undefined) return `${fromPath} imports ${toPath}, which belongs to no layer`;
  const allowed = from.startsWith("feature:")
    ? ["shared", "core", "base", "engine", from].includes(to)
    : ALLOWED[from]?.(to, toPath);
  return allowed ? undefined : `${fromPath} (${from}) must not import ${toPath} (${to})`;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

/** The repository-relative files a source file imports (relative specifiers only: packages are no layer). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => {
      const target = resolve(dirname(file), specifier);
      const found = [target, `${target}.ts`, join(target, "index.ts")].find((candidate) => {
        try {
          return statSync(candidate).isFile();
        } catch {
          return false;
        }
      });
      return relative(ROOT, found ?? target);
    });
}

describe("layers", () => {
  it("every import of the client, the webview and the server follows the layer rule", () => {
    const files = ["server/src", "client/src", "client/webview"].flatMap((folder) => sourceFiles(join(ROOT, folder)));
    assert.ok(files.length > 50, "the source files were found");
    const violations = files.flatMap((file) =>
      importsOf(file).flatMap((target) => layerViolation(relative(ROOT, file), target) ?? []),
    );
    assert.deepEqual(violations, []);
  });

  it("says which imports break the rule", () => {
    assert.match(layerViolation("server/src/engine/local/fimGeneration.ts", "server/src/chat/chatFeature.ts") ?? "", /engine/);
    assert.ok(layerViolation("server/src/core/fimInput.ts", "server/src/engine/modelEngine.ts"));
    assert.ok(layerViolation("server/src/shared/protocol.ts", "server/src/core/fimFormats.ts"));
    assert.ok(
      layerViolation("server/src/completion/speculation.ts", "server/src/context/contextFeature.ts"),
      "feature to feature",
    );
    assert.ok(layerViolation("client/src/extension.ts", "server/src/engine/modelEngine.ts"));
    assert.ok(layerViolation("client/webview/main.ts", "server/src/shared/protocol.ts"));
    assert.ok(layerViolation("server/src/models/fit.ts", "server/src/server.ts"), "nothing imports the entry point");
    assert.equal(layerViolation("server/src/engine/local/fimGeneration.ts", "server/src/core/repoContext.ts"), undefined);
    assert.equal(
      layerViolation("server/src/completion/speculation.ts", "server/src/completion/inlineCompletionFeature.ts"),
      undefined,
    );
    assert.equal(layerViolation("client/webview/main.ts", "server/src/shared/chatProtocol.ts"), undefined);
  });
});
