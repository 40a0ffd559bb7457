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
 * per-token decode time and the time of a verification pass of each size are measured here, and applied to the
 * ideal rewrite of each window tokenized with the real vocabulary (plus a fourth case, a rename made in another
 * file, for the window at its first use here): generated tokens with and without the early stop, and prompt-lookup
 * decoding simulated exactly as the engine runs it (lookupDraft, DraftLength), with a reply's draft lengths and with
 * a rewrite's, assuming the model copies unchanged lines (as a next-edit model does).
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { getLlama, type Token } from "node-llama-cpp";
import { rejoinedWindow } from "../server/src/core/nextEdit/earlyStop";
import { editWindow } from "../server/src/core/nextEdit/editWindow";
import { DRAFT_LENGTH, DraftLength, lookupDraft } from "../server/src/core/speculativeDrafts";
import { NEXT_EDIT_DRAFTS } from "../server/src/engine/local/nextEditGeneration";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LspTestClient } from "../test/lsp/lspTestClient";
import { median } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
/** Verification passes measured (tokens in a pass: the drafted ones and the one before them). */
const VERIFY_SIZES = [2, 3, 5, 9, 17, 33, 65, 129];

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
  const warm = model.tokenize(refactorings[0].text.slice(0, 6000)).slice(0, 900) as Token[];
  await sequence.evaluateWithoutGeneratingNewTokens(warm.slice(0, 600));
  // Decode: one token per forward pass.
  let started = performance.now();
  let decoded = 0;
  for await (const _ of sequence.evaluate([warm[600]], { temperature: 0 })) {
    if (++decoded >= 48) break;
  }
  const decodeMs = (performance.now() - started) / decoded;
  // Verify: a forward pass over a draft and the token before it, choosing a token after each, as prompt lookup
  // runs one (speculativeDecoding.ts); erased again, so each size is measured at the same place.
  const batchMs = new Map<number, number>([[1, decodeMs]]);
  for (const size of VERIFY_SIZES) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const end = sequence.contextTokens.length;
      const batch = warm.slice(700, 700 + size);
      started = performance.now();
      await sequence.controlledEvaluate(
        batch.map((token) => [token, { generateNext: { token: true, options: { temperature: 0 } } }]),
      );
      times.push(performance.now() - started);
      await sequence.eraseContextTokenRanges([{ start: end, end: sequence.contextTokens.length }]);
    }
    batchMs.set(size, median(times));
  }
  const verifyCost = (tokens: number) => interpolated(batchMs, tokens);

  const costRows: string[] = [];
  const cases = [
    ...refactorings.map((refactoring) => {
      const { line, character, replaced, typed } = refactoring;
      const lines = refactoring.text.split("\n");
      const original = editWindow(refactoring.text, line).text;
      lines[line] = lines[line].slice(0, character) + typed + lines[line].slice(character + replaced.length);
      const typedText = lines.join("\n");
      const window = editWindow(typedText, line);
      return {
        name: refactoring.name,
        original,
        current: window.text,
        ideal: editWindow(refactoring.done(typedText), line).text,
      };
    }),
    crossFileRename("node_modules/vscode-jsonrpc/lib/common/connection.js", "ResponseError", "RpcError"),
  ];
  for (const { name, original, current, ideal } of cases) {
    const idealTokens = model.tokenize(ideal);
    // Stream the ideal rewrite token by token; the early stop fires after the rewrite is back in step.
    let early = idealTokens.length + 1; // the full rewrite, then its stop token
    for (let count = 1; count <= idealTokens.length; count++) {
      const text = model.detokenize(idealTokens.slice(0, count));
      if (text.endsWith("\n") && rejoinedWindow(text, current) !== undefined) {
        early = count;
        break;
      }
    }
    const written = idealTokens.slice(0, Math.min(early, idealTokens.length));
    const streamed = model.detokenize(written);
    const currentLines = current.split("\n");
    const changedLines = streamed.split("\n").filter((text, i) => text !== currentLines[i]);
    const changedTokens = model.tokenize(changedLines.join("\n")).length;
    const onlyChanged = changedTokens * decodeMs;
    const fullPlain = (idealTokens.length + 1) * decodeMs;
    const earlyPlain = early * decodeMs;
    // What prompt lookup drafts from: the window before the edit and now, as Sweep's prompt ends.
    const prompt = model.tokenize(`original/file\n${original}\ncurrent/file\n${current}\nupdated/file\n`);
    const before = simulatedLookup(prompt, written, verifyCost, decodeMs, DRAFT_LENGTH.initial, DRAFT_LENGTH.longest);
    const now = simulatedLookup(prompt, written, verifyCost, decodeMs, NEXT_EDIT_DRAFTS.initial, NEXT_EDIT_DRAFTS.longest);
    costRows.push(
      `| ${name} | ${idealTokens.length + 1} | ${early} | ${changedTokens} | ${Math.round(fullPlain)} | ${Math.round(earlyPlain)} | ${Math.round(before.ms)} (${before.passes}) | ${Math.round(now.ms)} (${now.passes}) | ${Math.round(onlyChanged)} | ${(before.ms / onlyChanged).toFixed(2)} → ${(now.ms / onlyChanged).toFixed(2)} | ${(before.passes / changedTokens).toFixed(2)} → ${(now.passes / changedTokens).toFixed(2)} |`,
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
  const sizes = [...batchMs.entries()].map(([size, ms]) => `${size}: ${ms.toFixed(1)}`).join(", ");
  console.log(`\nMeasured, ms per pass by tokens in it (1 is a decode step): ${sizes}.\n`);
  console.log(
    `| refactoring | tokens, full rewrite | tokens, early stop | of which changed lines | full rewrite (ms) | early stop (ms) | + lookup, drafts ${DRAFT_LENGTH.initial}–${DRAFT_LENGTH.longest} (ms, passes) | + lookup, drafts ${NEXT_EDIT_DRAFTS.initial}–${NEXT_EDIT_DRAFTS.longest} (ms, passes) | changed lines only (ms) | ratio to changed lines only | ratio if a pass costs one step (a GPU's case, estimated) |`,
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of costRows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/** A pass's cost for any size, from the measured sizes (linear between them, and past the largest). */
function interpolated(measured: Map<number, number>, tokens: number): number {
  const sizes = [...measured.keys()].sort((a, b) => a - b);
  const below = sizes.filter((size) => size <= tokens).pop() ?? sizes[0];
  const above = sizes.find((size) => size >= tokens) ?? sizes[sizes.length - 1];
  const low = measured.get(below) ?? 0;
  const high = measured.get(above) ?? 0;
  if (above === below) return (low * tokens) / below;
  return low + ((high - low) * (tokens - below)) / (above - below);
}

/**
 * Prompt-lookup decoding of `written` (the tokens a model that copies unchanged lines writes) after `prompt`, as
 * speculativeTokens runs it: a lookup draft of the length DraftLength allows, verified in one pass, the target's
 * tokens kept; no draft, a plain decode step. Returns the time at the measured costs, and the passes.
 */
function simulatedLookup(
  prompt: readonly Token[],
  written: readonly Token[],
  verifyCost: (tokens: number) => number,
  decodeMs: number,
  initial: number,
  longest: number,
): { ms: number; passes: number } {
  const history = prompt.slice();
  const lengths = new DraftLength(initial, longest);
  let ms = 0;
  let passes = 0;
  let out = 0;
  while (out < written.length) {
    passes++;
    const asked = lengths.next();
    const draft = asked > 0 ? lookupDraft(history, asked) : [];
    if (draft.length === 0) {
      ms += decodeMs;
      history.push(written[out++]);
      lengths.advance(1);
      continue;
    }
    ms += verifyCost(draft.length + 1);
    let accepted = 0;
    while (accepted < draft.length && draft[accepted] === written[out + accepted]) accepted++;
    lengths.record(draft.length, accepted, asked);
    const kept = written.slice(out, out + accepted + 1);
    history.push(...kept);
    out += kept.length;
  }
  return { ms, passes };
}

/** A symbol renamed in another file: the window at its first use here, every use in it renamed. */
function crossFileRename(file: string, symbol: string, renamed: string) {
  const text = readFileSync(join(ROOT, file), "utf8");
  const line = text.split("\n").findIndex((candidate) => word(symbol).test(candidate));
  const current = editWindow(text, line).text;
  return {
    name: `rename \`${symbol}\` in another file: its uses here`,
    original: current,
    current,
    ideal: current.replace(word(symbol), renamed),
  };
}
