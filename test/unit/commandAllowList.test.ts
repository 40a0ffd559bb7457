/**
 * hearth.agent.allowedCommands as an attacker who writes the command line would try it: every line built to make a
 * shell do more than run the allowed command must be refused, and every line the matcher allows is run through
 * real shells (bash, bash --posix, bash invoked as sh, the system's sh) with stub `npm`/`npx` that record their
 * arguments: each must run only the stub, with exactly the words the matcher saw, and create nothing.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are shell command lines, not templates.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAllowedCommand, plainWords } from "../../server/src/shared/commandAllowList";

const ROOT = join(__dirname, "..", "..");
const LIST = ["npm test*", "npx tsc*", "npx tsc --noEmit -p*", "git status"];

/** Lines the list allows, and the words the allowed command must receive. */
const ALLOWED: Array<[string, string[]]> = [
  ["npm test", ["npm", "test"]],
  ["  npm test  ", ["npm", "test"]],
  ["npm   test   a.ts", ["npm", "test", "a.ts"]],
  ["npm test ./test/unit/x.test.ts", ["npm", "test", "./test/unit/x.test.ts"]],
  ["npm test @scope/pkg user@host:path +1 a=b a_b", ["npm", "test", "@scope/pkg", "user@host:path", "+1", "a=b", "a_b"]],
  ["npm test ../.. .", ["npm", "test", "../..", "."]],
  ["npx tsc", ["npx", "tsc"]],
  ["npx tsc src/a.ts", ["npx", "tsc", "src/a.ts"]],
  ["npx tsc --noEmit -p .", ["npx", "tsc", "--noEmit", "-p", "."]],
  ["npx tsc --noEmit -p tsconfig.json", ["npx", "tsc", "--noEmit", "-p", "tsconfig.json"]],
];

/** MARKER is replaced by the marker file's absolute path: an attack that works creates it. */
const MARKER = "MARKER";

/** Attacks that really make bash run `touch` or write a file (checked below): the table is made of working attacks. */
const LIVE_IN_BASH = [
  // Expansions without `$(`, backquotes or separators: what the old deny-list let through.
  "npm test ${x:=\\\\140touch MARKER\\\\140}${x@P}",
  "npm test ${y:=a[\\$\\(touch\\ MARKER\\)]}${PWD:y}",
  // Chaining, substitution, redirection, pipes, background.
  "npm test; touch MARKER",
  "npm test;touch MARKER",
  "npm test && touch MARKER",
  "npm test | touch MARKER",
  "npm test |& touch MARKER",
  "npm test & touch MARKER",
  "npm test ^& touch MARKER",
  "npm test\ntouch MARKER",
  "npm test\r\ntouch MARKER",
  "npm test $(touch MARKER)",
  "npm test `touch MARKER`",
  "npm test > MARKER",
  "npm test >> MARKER",
  "npm test >| MARKER",
  "npm test &> MARKER",
  "npm test 2>MARKER",
  "touch MARKER",
];

const ATTACKS = [
  ...LIVE_IN_BASH,
  // Other expansions.
  "npm test ${PWD:y}",
  "npm test ${x@P}",
  "npm test $HOME",
  "npm test ${HOME}",
  "npm test $IFS",
  "npm test $@ $0 $- $$ $! $?",
  "npm test $'\\x41'",
  'npm test $"x"',
  "npm test $((1+1))",
  "npm test $[1+1]",
  "npm test || touch MARKER",
  "npm test < MARKER",
  // Process substitution runs its command asynchronously, after the line may have ended: not a reliable marker.
  "npm test <(true)",
  "npm test >(true)",
  "npm test # ; touch MARKER",
  "npm test x#y",
  "npm test !!",
  "npm test !x",
  // Tilde, globs, braces, extended globs, quoting, escaping.
  "npm test ~",
  "npm test ~root",
  "npm test a=~/x",
  "npm test a:~/x",
  "npm test *",
  "npm test ?.ts",
  "npm test [ab].ts",
  "npm test {a,b}",
  "npm test a{1..3}",
  "npm test @(a|b)",
  "npm test +(x)",
  "npm test 'x'",
  'npm test "x"',
  'npm test "',
  "npm test \\x",
  "npm test\\",
  "npm test (x)",
  // cmd.exe's variables.
  "npm test %PATH%",
  // A word starting with `=` (zsh's path expansion), assignments before the command, other commands.
  "npm test =ls",
  "FOO=bar npm test",
  "PATH=. npm test",
  "exec npm test",
  // Word boundaries: the entry's words are whole words.
  "npx tsc-evil",
  "npx tscevil",
  "npx tsc.sh",
  "npm tests",
  "npm test-x",
  "npmtest",
  // Controls, Unicode spaces, bidirectional and invisible characters, non-ASCII.
  "npm test\tx",
  "npm\ttest",
  "npm test \u001b[31m",
  "npm test \u0000",
  "npm test \u007f",
  "npm test \u0085",
  "npm test\u00a0x",
  "npm\u00a0test",
  "npm test\u2003x",
  "npm test\u3000x",
  "npm test \u202ex",
  "npm test \u2066x\u2069",
  "npm test \u200bx",
  "npm test \u200fx",
  "npm test \ufeffx",
  "npm test \u2028touch MARKER",
  "npm test \u2029",
  "npm test é",
  "npm test ｔｅｓｔ",
  "\u202enpm test",
];

describe("the command allow-list", () => {
  it("allows lines of plain words that start with an entry's whole words", () => {
    for (const [line, words] of ALLOWED) {
      assert.ok(isAllowedCommand(line, LIST), line);
      assert.deepEqual(plainWords(line.trim()), words, line);
    }
    assert.ok(isAllowedCommand("git status", LIST));
    assert.ok(isAllowedCommand(" git status ", LIST));
  });

  it("refuses every line a shell would interpret, and every word that only starts like the entry's", () => {
    for (const attack of ATTACKS)
      assert.ok(!isAllowedCommand(attack.replaceAll(MARKER, "/tmp/marker"), LIST), JSON.stringify(attack));
  });

  it("matches exact entries exactly, never as a prefix", () => {
    assert.ok(!isAllowedCommand("git status --porcelain", LIST));
    assert.ok(!isAllowedCommand("git status; touch x", LIST));
    assert.ok(
      isAllowedCommand("npm run build && npm test", ["npm run build && npm test"]),
      "an exact entry is the user's own line",
    );
    assert.ok(!isAllowedCommand("npm run build && npm test; touch x", ["npm run build && npm test"]));
    // Only ASCII spaces are trimmed: a line separator or BOM around the line is part of it.
    assert.ok(!isAllowedCommand("\u2028git status", LIST));
    assert.ok(!isAllowedCommand("git status\ufeff", LIST));
  });

  it("takes a prefix entry's words whole, and never matches through one that is not plain words", () => {
    assert.ok(!isAllowedCommand("npm testing", ["npm test*"]));
    assert.ok(isAllowedCommand("npm test", ["npm test *"]));
    assert.ok(!isAllowedCommand("npm te", ["npm test*"]));
    assert.ok(!isAllowedCommand("npm tests", ["npm te*"]), "a partial last word matches only itself");
    assert.ok(isAllowedCommand("npm te x", ["npm te*"]));
    assert.ok(!isAllowedCommand('npm run "lint" x', ['npm run "lint"*']));
    assert.ok(!isAllowedCommand("npm run lint", ['npm run "lint"*']));
    assert.ok(isAllowedCommand("ls src", ["*"]), "a bare * allows any plain-word line without options");
    assert.ok(!isAllowedCommand("rm -rf build", ["*"]), "a bare * spells no option");
    assert.ok(!isAllowedCommand("rm $HOME", ["*"]));
    assert.ok(!isAllowedCommand("", ["*"]));
    assert.ok(!isAllowedCommand("npm test", []));
    assert.ok(!isAllowedCommand("anything", ["", "  "]));
  });
});

interface Shell {
  name: string;
  argv: (line: string) => [string, string[]];
}

describe("the command allow-list's verdict, run through real shells", function () {
  this.timeout(120_000);
  if (process.platform === "win32") return;
  let scratch: string;
  let work: string;
  let log: string;
  const shells: Shell[] = [];

  before(function () {
    this.timeout(600_000);
    // bash is the shell the attacks target (Fedora's, Arch's and macOS's /bin/sh): install it where it is missing.
    const script = `import { ensureCommands } from ${JSON.stringify(join(ROOT, "scripts", "provision-tools.mjs"))};
      ensureCommands({ bash: "bash" });`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "inherit", "inherit"] });
    const bash = execFileSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).trim();
    scratch = mkdtempSync(join(tmpdir(), "hearth-allowlist-"));
    work = join(scratch, "work");
    const stubs = join(scratch, "stubs");
    const asSh = join(scratch, "as-sh");
    for (const dir of [work, stubs, asSh]) mkdirSync(dir);
    log = join(scratch, "argv.log");
    // Each stub appends its name, argument count and arguments, NUL-separated: any byte a shell passes shows.
    for (const name of ["npm", "npx"])
      writeFileSync(join(stubs, name), `#!/bin/sh\nprintf '%s\\0' ${name} "$#" "$@" >> "$STUB_LOG"\n`, { mode: 0o755 });
    symlinkSync(bash, join(asSh, "sh"));
    shells.push(
      { name: "bash -c", argv: (line) => [bash, ["-c", line]] },
      { name: "bash --posix -c", argv: (line) => [bash, ["--posix", "-c", line]] },
      { name: "bash as sh -c", argv: (line) => [join(asSh, "sh"), ["-c", line]] },
      { name: "/bin/sh -c", argv: (line) => ["/bin/sh", ["-c", line]] },
    );
    process.env.HEARTH_TEST_STUBS = stubs;
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs a line in a fresh work folder (with files a glob would find); returns the stub calls and new files. */
  function run(shell: Shell, line: string): { calls: string[][]; created: string[] } {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    for (const name of ["a.ts", "b.ts", "x"]) writeFileSync(join(work, name), "");
    rmSync(log, { force: true });
    rmSync(join(scratch, "marker"), { force: true });
    const [file, args] = shell.argv(line);
    spawnSync(file, args, {
      cwd: work,
      env: { PATH: `${process.env.HEARTH_TEST_STUBS}:${process.env.PATH}`, HOME: scratch, STUB_LOG: log },
      stdio: "ignore",
      timeout: 10_000,
    });
    const fields = existsSync(log) ? readFileSync(log, "utf8").split("\0").slice(0, -1) : [];
    const calls: string[][] = [];
    while (fields.length > 0) {
      const name = fields.shift() ?? "";
      const count = Number(fields.shift());
      calls.push([name, ...fields.splice(0, count)]);
    }
    const created = readdirSync(work).filter((name) => !["a.ts", "b.ts", "x"].includes(name));
    if (existsSync(join(scratch, "marker"))) created.push("../marker");
    rmSync(join(scratch, "marker"), { force: true });
    return { calls, created };
  }

  it("runs each allowed line as exactly the stub with exactly the matcher's words, in every shell", () => {
    for (const [line] of ALLOWED)
      for (const shell of shells) {
        const { calls, created } = run(shell, line);
        assert.deepEqual(calls, [plainWords(line.trim())], `${shell.name} ${JSON.stringify(line)}`);
        assert.deepEqual(created, [], `${shell.name} ${JSON.stringify(line)} created files`);
      }
  });

  it("gives no attack line a pass, and the attacks are real: bash runs the payload of the live ones", () => {
    const marker = join(scratch, "marker");
    for (const attack of ATTACKS) {
      const line = attack.replaceAll(MARKER, marker);
      // A NUL can't reach a shell at all (the kernel's arguments end at one); the matcher refuses it above.
      if (line.includes("\0")) continue;
      for (const shell of shells) {
        const { calls, created } = run(shell, line);
        // What the matcher must refuse is whatever a shell does not run as the plain words it saw.
        const verdict = isAllowedCommand(line, LIST);
        if (verdict) {
          assert.deepEqual(calls, [plainWords(line.trim())], `${shell.name} ran ${JSON.stringify(line)} otherwise`);
          assert.deepEqual(created, [], `${shell.name} ${JSON.stringify(line)} created ${created.join(", ")}`);
        }
        assert.ok(!verdict, `allowed: ${JSON.stringify(attack)}`);
        if (shell.name === "bash -c" && LIVE_IN_BASH.includes(attack))
          assert.ok(created.length > 0, `the attack ${JSON.stringify(attack)} did nothing in bash: fix the table`);
      }
    }
  });
});
