/**
 * Next edits on real source: three refactorings replayed keystroke by keystroke on code from node_modules (rename a
 * parameter and its uses, add an argument to calls, change a type in several places), on the realistic-speed model
 * (Qwen2.5-Coder-0.5B's dimensions and vocabulary, the vocabulary Sweep's next-edit models use).
 *
 *   npm run bench:next-edit        (HEARTH_BENCH_THREADS=N to override the thread count)
 *
 * Table 1, measured through the real language server: prompt tokens re-evaluated per keystroke, and the time from
 * the keystroke to the model's first token (the prompt part of a suggestion).
 * Table 2, the generation part: the speed model's text is noise, so it can't rewrite the window itself. Its real
 * per-token decode time and per-batch verify time (a forward pass over 17 tokens, what prompt-lookup decoding pays
 * to check 16 drafted tokens) are measured here, and applied to the ideal rewrite of each window tokenized with the
 * real vocabulary: generated tokens with and without the early stop, and the cost of copied lines when prompt
 * lookup drafts them (assuming the model copies unchanged lines, as a next-edit model does).
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { getLlama, type Token } from "node-llama-cpp";
import { rejoinedWindow } from "../server/src/core/nextEdit/earlyStop";
import { editWindow } from "../server/src/core/nextEdit/editWindow";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LspTestClient } from "../test/lsp/lspTestClient";
import { median } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
/** Tokens drafted per prompt-lookup step (server/src/engine/local/nextEditModel.ts). */
const DRAFT = 16;

interface Refactoring {
  name: string;
  file: string;
  /** The source, before. */
  text: string;
  /** Where the user's own edit is: line, character, the text replaced and what the user types. */
  line: number;
  character: number;
  replaced: string;
  typed: string;
  /** The whole file once the refactoring is done in the window (the ideal next edits applied). */
  done: (text: string) => string;
}

const word = (name: string) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");

/** A function whose first parameter is used at least twice in the ten lines after it: renamed. */
function renameParameter(file: string): Refactoring {
  const text = readFileSync(join(ROOT, file), "utf8");
  const lines = text.split("\n");
  for (let line = 0; line < lines.length; line++) {
    const match = /function\s*\w*\s*\(([A-Za-z_]\w{2,})[,)]/.exec(lines[line]);
    if (!match) continue;
    const param = match[1];
    const uses =
      lines
        .slice(line + 1, line + 10)
        .join("\n")
        .match(word(param))?.length ?? 0;
    if (uses < 2) continue;
    const renamed = `${param}Value`;
    return {
      name: `rename parameter \`${param}\``,
      file,
      text,
      line,
      character: lines[line].indexOf(param, match.index),
      replaced: param,
      typed: renamed,
      done: (current) => {
        const all = current.split("\n");
        for (let i = line + 1; i < Math.min(all.length, line + 11); i++) all[i] = all[i].replace(word(param), renamed);
        return all.join("\n");
      },
    };
  }
  throw new Error(`no parameter to rename in ${file}`);
}

/** A function called on three lines close together: the first call gets a new last argument, then the others. */
function addArgument(file: string): Refactoring {
  const text = readFileSync(join(ROOT, file), "utf8");
  const lines = text.split("\n");
  const call = /([A-Za-z_]\w{3,})\(([^()]*)\)/;
  for (let line = 0; line < lines.length; line++) {
    const match = call.exec(lines[line]);
    if (!match || match[2] === "" || /function|if|for|while|switch|catch/.test(match[1])) continue;
    const name = match[1];
    const later = lines.slice(line + 1, line + 8).filter((l) => new RegExp(`${name}\\([^()]+\\)`).test(l)).length;
    if (later < 2) continue;
    const close = lines[line].indexOf(")", match.index + name.length);
    return {
      name: `add an argument to \`${name}(…)\` calls`,
      file,
      text,
      line,
      character: close,
      replaced: "",
      typed: ", options",
      done: (current) => {
        const all = current.split("\n");
        for (let i = line + 1; i < Math.min(all.length, line + 8); i++) {
          all[i] = all[i].replace(new RegExp(`${name}\\(([^()]+)\\)`), `${name}($1, options)`);
        }
        return all.join("\n");
      },
    };
  }
  throw new Error(`no repeated call in ${file}`);
}

/** A type used on three fields close together: the first changed by the user, the others by next edits. */
function changeType(file: string, from: string, to: string): Refactoring {
  const text = readFileSync(join(ROOT, file), "utf8");
  const lines = text.split("\n");
  const field = `: ${from};`;
  for (let line = 0; line < lines.length; line++) {
    if (!lines[line].includes(field)) continue;
    // Two more within the window below the cursor (at least 7 lines of it).
    if (lines.slice(line + 1, line + 8).filter((l) => l.includes(field)).length < 2) continue;
    const at = lines[line].indexOf(field) + 2;
    return {
      name: `change \`${from}\` fields to \`${to}\``,
      file,
      text,
      line,
      character: at,
      replaced: from,
      typed: to,
      done: (current) => {
        const all = current.split("\n");
        for (let i = line + 1; i < Math.min(all.length, line + 8); i++) all[i] = all[i].replace(field, `: ${to};`);
        return all.join("\n");
      },
    };
  }
  throw new Error(`no repeated ${from} field in ${file}`);
}

async function main(): Promise<void> {
  const modelPath = speedModelPath(testModelCacheDirectory(), ROOT);
  const refactorings = [
    renameParameter("node_modules/vscode-jsonrpc/lib/common/connection.js"),
    addArgument("node_modules/vscode-jsonrpc/lib/common/connection.js"),
    changeType("node_modules/@types/node/http.d.ts", "number", "bigint"),
  ];

  // --- Table 1: the prompt part, through the language server ---
  const promptRows: string[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  for (const [index, refactoring] of refactorings.entries()) {
    // A server per refactoring: the edit history spans files, and one refactoring's edits settling must not change
    // the next one's prompt mid-measurement (a real session pays that once, on the first request after the pause).
    const client = await LspTestClient.start({
      completion: { enabled: false },
      // At most 16 generated tokens: the suggestion's prompt part plus a little (the speed model's text is noise).
      nextEdit: { model: modelPath, maxTokens: 16, timeoutMs: 60_000 },
      local: { threads: THREADS },
    });
    const { line, character, replaced, typed } = refactoring;
    // A user typing at a steady pace: the edit is typed at 120 ms a key, then the client asks (its 250 ms pause).
    // The request before the edit warms the window, as the previous suggestion in this file would have.
    const paced = `file:///bench/paced${index}/${refactoring.file.split("/").pop()}`;
    await client.open(paced, refactoring.text);
    let started = performance.now();
    await client.inlineEdits(paced, line, character);
    const cold = performance.now() - started;
    const coldReport = await client.lastNextEdit();
    if (replaced) await client.replace(paced, line, character, character + replaced.length, "");
    for (const [offset, char] of [...typed].entries()) {
      await sleep(120);
      await client.insert(paced, line, character + offset, char);
    }
    await sleep(250);
    started = performance.now();
    await client.inlineEdits(paced, line, character + typed.length);
    const pacedMs = performance.now() - started;
    const pacedReport = await client.lastNextEdit();
    // A slow typist: a request after every key, each key after the previous answer (seconds apart here, so each
    // key is an edit of its own and the previous one joins the history).
    const uri = `file:///bench/${index}/${refactoring.file.split("/").pop()}`;
    await client.open(uri, refactoring.text);
    if (replaced) await client.replace(uri, line, character, character + replaced.length, "");
    await client.inlineEdits(uri, line, character);
    const evaluated: number[] = [];
    const latency: number[] = [];
    for (const [offset, char] of [...typed].entries()) {
      await client.insert(uri, line, character + offset, char);
      started = performance.now();
      await client.inlineEdits(uri, line, character + offset + 1);
      latency.push(performance.now() - started);
      evaluated.push((await client.lastNextEdit())?.evaluatedPromptTokens ?? Number.NaN);
    }
    promptRows.push(
      `| ${refactoring.name} | ${coldReport?.promptTokens} | ${Math.round(cold)} | ${pacedReport?.evaluatedPromptTokens} | ${Math.round(pacedMs)} | ${median(evaluated)} / ${Math.max(...evaluated)} | ${Math.round(median(latency))} |`,
    );
    await client.stop();
  }

  // --- Table 2: the generation part, from measured per-token and per-batch costs ---
  const llama = await getLlama({ gpu: false, maxThreads: THREADS, build: "never" });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 4096, threads: THREADS });
  const sequence = context.getSequence();
  const warm = model.tokenize(refactorings[0].text.slice(0, 3000)).slice(0, 600);
  await sequence.evaluateWithoutGeneratingNewTokens(warm);
  // Decode: one token per forward pass.
  let started = performance.now();
  let decoded = 0;
  for await (const _ of sequence.evaluate([warm[0]], { temperature: 0 })) {
    if (++decoded >= 48) break;
  }
  const decodeMs = (performance.now() - started) / decoded;
  // Verify: a forward pass over DRAFT + 1 tokens, as prompt lookup runs one.
  const verify: number[] = [];
  for (let i = 0; i < 8; i++) {
    const batch = warm.slice(20 + i * (DRAFT + 1), 20 + (i + 1) * (DRAFT + 1)) as Token[];
    started = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(batch);
    verify.push(performance.now() - started);
  }
  const verifyMs = median(verify);

  const costRows: string[] = [];
  for (const refactoring of refactorings) {
    const { line, character, replaced, typed } = refactoring;
    const lines = refactoring.text.split("\n");
    lines[line] = lines[line].slice(0, character) + typed + lines[line].slice(character + replaced.length);
    const typedText = lines.join("\n");
    const window = editWindow(typedText, line);
    const ideal = editWindow(refactoring.done(typedText), line).text;
    const idealTokens = model.tokenize(ideal);
    // Stream the ideal rewrite token by token; the early stop fires after the rewrite is back in step.
    let early = idealTokens.length + 1; // the full rewrite, then its stop token
    for (let count = 1; count <= idealTokens.length; count++) {
      const text = model.detokenize(idealTokens.slice(0, count));
      if (text.endsWith("\n") && rejoinedWindow(text, window.text) !== undefined) {
        early = count;
        break;
      }
    }
    const streamed = model.detokenize(idealTokens.slice(0, Math.min(early, idealTokens.length)));
    const currentLines = window.text.split("\n");
    const changedLines = streamed.split("\n").filter((text, i) => text !== currentLines[i]);
    const changedTokens = model.tokenize(changedLines.join("\n")).length;
    const copiedTokens = Math.max(0, early - changedTokens);
    const onlyChanged = changedTokens * decodeMs;
    const fullPlain = (idealTokens.length + 1) * decodeMs;
    const earlyPlain = early * decodeMs;
    const earlyLookup = Math.ceil(copiedTokens / DRAFT) * verifyMs + changedTokens * decodeMs;
    costRows.push(
      `| ${refactoring.name} | ${idealTokens.length + 1} | ${early} | ${changedTokens} | ${Math.round(fullPlain)} | ${Math.round(earlyPlain)} | ${Math.round(earlyLookup)} | ${Math.round(onlyChanged)} | ${(earlyLookup / onlyChanged).toFixed(2)} |`,
    );
  }
  await context.dispose();
  await model.dispose();
  await llama.dispose();

  console.log(`\nModel: random-weight Qwen2.5-Coder-0.5B dimensions (Q8_0), CPU, ${THREADS} threads; ${cpus()[0]?.model ?? "?"}`);
  console.log("Each request generates at most 16 tokens (the speed model's text is noise): the times are the prompt part.\n");
  console.log(
    "| refactoring | prompt tokens | cold request (ms) | typed at 120 ms a key, then asked: tokens evaluated | … its request (ms) | asked after every key: tokens evaluated (median / max) | … per request (ms, median) |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of promptRows) console.log(row);
  console.log(
    `\nMeasured: decode ${decodeMs.toFixed(1)} ms per token; one ${DRAFT + 1}-token verify pass ${verifyMs.toFixed(1)} ms.\n`,
  );
  console.log(
    "| refactoring | tokens, full rewrite | tokens, early stop | of which changed lines | full rewrite (ms) | early stop (ms) | early stop + prompt lookup (ms) | changed lines only (ms) | ratio to changed lines only |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const row of costRows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
