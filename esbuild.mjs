// Bundles the extension client and the language server. Type-checking is separate (`npm run typecheck`).
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** Prints errors in the form VS Code's esbuild problem matcher reads. */
const problemMatcherPlugin = {
  name: "problem-matcher",
  setup(build) {
    build.onStart(() => console.log("[watch] build started"));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log("[watch] build finished");
    });
  },
};

const shared = {
  bundle: true,
  format: "cjs",
  platform: "node",
  // node20 keeps `await import("node-llama-cpp")` a real dynamic import; older targets turn it into require().
  target: "node20",
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: "silent",
  plugins: [problemMatcherPlugin],
};

const contexts = await Promise.all([
  esbuild.context({ ...shared, entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"] }),
  esbuild.context({ ...shared, entryPoints: ["server/src/server.ts"], outfile: "dist/server.js", external: ["node-llama-cpp"] }),
  // The chat view's page runs in the webview (a browser), not in Node.
  esbuild.context({
    ...shared,
    entryPoints: ["client/webview/main.ts"],
    outfile: "dist/webview.js",
    format: "iife",
    platform: "browser",
    target: "es2022",
  }),
]);

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  if (results.some((result) => result.errors.length > 0)) process.exit(1);
}
