/**
 * hearth.agent.allowedCommands against options: a prefix entry (`git log*`, `npm test*`) must not allow the options
 * of its program, because options write files and run code (`git log --output=FILE`, `npm test --script-shell=X`,
 * `--node-options=--require=X`, a test runner's `--require` after `--`). The live attacks are run with the real git
 * and npm through bash to show they do what they claim; every attack is also run through bash with recording stubs
 * to show the shell passes the option on untouched, so only the matcher can stop it.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAllowedCommand, plainWords } from "../../server/src/shared/commandAllowList";

const ROOT = join(__dirname, "..", "..");
const LIST = ["git log*", "git diff*", "npm test*", "npx tsc --noEmit*", "npx mocha*"];

/** Lines the list allows: the entry's words, then only words that are not options. */
const ALLOWED = [
  "git log",
  "git log main",
  "git log src/a.ts",
  "git diff HEAD",
  "npm test",
  "npm test test/unit/a.test.ts",
  "npx tsc --noEmit",
  "npx tsc --noEmit src/a.ts",
  "npx mocha test/unit/a.test.ts",
];

/** MARKER is replaced by the marker file's absolute path: a live attack creates it with the real git or npm. */
const MARKER = "MARKER";

/** Attacks that write a file or run code with the real programs (checked below), in a repository set up for them. */
const LIVE = [
  `git log -p --output=${MARKER}`,
  `git log --patch --output ${MARKER}`,
  `git diff --output=${MARKER}`,
  "npm test --script-shell=./run.sh",
  "npm test --node-options=--require=./x.js",
  "npm test -- --require=./x.js",
];

const OPTION_ATTACKS = [
  ...LIVE,
  "git log -p --output=../home/.bashrc",
  "git diff --output=/home/me/.bashrc",
  "git log --ext-diff",
  "git diff --ext-diff -p",
  "git log --exec-path=.",
  "git log -O../x",
  "git log main -p",
  "git log -",
  "git log --",
  "git log -- src",
  "npm test --",
  "npm test -- x",
  "npm test -w evil",
  "npm test --prefix=..",
  "npm test --userconfig=./npmrc",
  "npx tsc --noEmit --generateTrace out",
  "npx tsc --noEmit -p evil",
  "npx tsc --noEmit src/a.ts --plugins x",
  "npx tsc --noEmitx",
  "npx tsc",
  "npx mocha --require=./x.js",
  "npx mocha -r ./x.js",
  "npx mocha test --require ./x.js",
];

describe("the command allow-list and a program's options", () => {
  it("allows words after a prefix entry's words only when they are not options", () => {
    for (const line of ALLOWED) assert.ok(isAllowedCommand(line, LIST), line);
  });

  it("refuses every option, `--` and a lone `-` after a prefix entry's words", () => {
    for (const attack of OPTION_ATTACKS)
      assert.ok(!isAllowedCommand(attack.replaceAll(MARKER, "/tmp/marker"), LIST), JSON.stringify(attack));
  });

  it("allows options only where the entry spells them", () => {
    assert.ok(isAllowedCommand("git log -p", ["git log -p"]), "an exact entry");
    assert.ok(!isAllowedCommand("git log -p --stat", ["git log -p"]));
    assert.ok(isAllowedCommand("git log -p src", ["git log -p*"]));
    assert.ok(!isAllowedCommand("git log -p --output=x", ["git log -p*"]));
    assert.ok(isAllowedCommand("npm test -- unit", ["npm test --*"]), "`--` spelled by the entry");
    assert.ok(!isAllowedCommand("npm test -- --require=./x.js", ["npm test --*"]));
    assert.ok(!isAllowedCommand("rm -rf build", ["*"]), "a bare * allows no option");
    assert.ok(isAllowedCommand("ls src", ["*"]));
  });
});

describe("the option attacks, run through bash", function () {
  this.timeout(120_000);
  if (process.platform === "win32") return;
  let scratch: string;
  let work: string;
  let stubs: string;
  let log: string;
  let bash: string;
  const marker = () => join(scratch, "marker");

  before(function () {
    this.timeout(600_000);
    const script = `import { ensureCommands } from ${JSON.stringify(join(ROOT, "scripts", "provision-tools.mjs"))};
      ensureCommands({ bash: "bash", git: "git" });`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "inherit", "inherit"] });
    bash = execFileSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).trim();
    scratch = mkdtempSync(join(tmpdir(), "hearth-allowlist-options-"));
    work = join(scratch, "work");
    stubs = join(scratch, "stubs");
    log = join(scratch, "argv.log");
    mkdirSync(stubs);
    for (const name of ["git", "npm", "npx"])
      writeFileSync(join(stubs, name), `#!/bin/sh\nprintf '%s\\0' ${name} "$#" "$@" >> "$STUB_LOG"\n`, { mode: 0o755 });
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A fresh repository with two commits, a package whose test runner takes `--require`, and the attacker's files. */
  function freshWork(): void {
    rmSync(work, { recursive: true, force: true });
    rmSync(marker(), { force: true });
    mkdirSync(join(work, "src"), { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env: cleanEnv(process.env.PATH), stdio: "ignore" });
    git("init", "-q", ".");
    writeFileSync(join(work, "src", "a.ts"), "export const a = 1;\n");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one");
    writeFileSync(join(work, "src", "a.ts"), "export const a = 2;\n");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "two");
    // `node` with its program on stdin (empty here) stands for mocha: a runner that loads `--require` modules.
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "t", version: "1.0.0", scripts: { test: "node" } }));
    writeFileSync(join(work, "run.sh"), `#!/bin/sh\ntouch '${marker()}'\nexec /bin/sh "$@"\n`, { mode: 0o755 });
    writeFileSync(join(work, "x.js"), `require("fs").writeFileSync(${JSON.stringify(marker())}, "");\n`);
  }

  function cleanEnv(path: string | undefined): NodeJS.ProcessEnv {
    return { PATH: path, HOME: scratch, STUB_LOG: log, GIT_CONFIG_NOSYSTEM: "1" };
  }

  function runInBash(line: string, path: string | undefined): void {
    spawnSync(bash, ["-c", line], { cwd: work, env: cleanEnv(path), stdio: "ignore", timeout: 30_000 });
  }

  function stubCalls(): string[][] {
    const fields = existsSync(log) ? readFileSync(log, "utf8").split("\0").slice(0, -1) : [];
    const calls: string[][] = [];
    while (fields.length > 0) {
      const name = fields.shift() ?? "";
      const count = Number(fields.shift());
      calls.push([name, ...fields.splice(0, count)]);
    }
    return calls;
  }

  it("the live attacks write a file or run code with the real git and npm, and the list refuses each", () => {
    for (const attack of LIVE) {
      freshWork();
      const line = attack.replaceAll(MARKER, marker());
      runInBash(line, process.env.PATH);
      assert.ok(existsSync(marker()), `the attack ${JSON.stringify(attack)} did nothing: fix the table`);
      assert.ok(!isAllowedCommand(line, LIST), `allowed: ${JSON.stringify(attack)}`);
    }
  });

  it("bash passes every option on to the program, so only the matcher can stop it; allowed lines carry none", () => {
    freshWork();
    for (const attack of OPTION_ATTACKS) {
      const line = attack.replaceAll(MARKER, marker());
      rmSync(log, { force: true });
      runInBash(line, `${stubs}:${process.env.PATH}`);
      assert.deepEqual(stubCalls(), [plainWords(line)], `bash ran ${JSON.stringify(line)} otherwise`);
      assert.ok(!isAllowedCommand(line, LIST), `allowed: ${JSON.stringify(attack)}`);
    }
    for (const line of ALLOWED) {
      rmSync(log, { force: true });
      runInBash(line, `${stubs}:${process.env.PATH}`);
      const calls = stubCalls();
      assert.deepEqual(calls, [plainWords(line)], line);
      const entryWords = LIST.map((entry) => entry.slice(0, -1).trim().split(" ")).find((words) =>
        words.every((word, index) => calls[0][index] === word),
      );
      assert.ok(entryWords, line);
      assert.ok(
        calls[0].slice(entryWords.length).every((word) => !word.startsWith("-")),
        `${line} passed an option`,
      );
    }
  });
});
