/**
 * search_code's patterns and line scan: a model's `/regex/` runs in time linear in the line (RE2), what RE2 can't
 * run is refused with a reason the model can act on, and the scan gives the server's one thread back, honours Stop,
 * and stops at its caps.
 */
import { strict as assert } from "node:assert";
import { type LineSource, SCAN_LIMITS, scanLines } from "../../server/src/agent/tools/lineScan";
import { type LineMatcher, MAX_LINE_WORK, searchPattern } from "../../server/src/core/agent/searchPattern";

function matcherOf(query: string): LineMatcher {
  const pattern = searchPattern(query);
  if ("problem" in pattern) throw new Error(pattern.problem);
  return pattern.matcher;
}

function problemOf(query: string): string {
  const pattern = searchPattern(query);
  assert.ok("problem" in pattern, `${query} was accepted`);
  return pattern.problem;
}

describe("search_code patterns", () => {
  it("catastrophic backtracking patterns finish on long lines, with the right answer", function () {
    // A backtracking engine takes exponential time on each of these: the test would hang far past this timeout.
    this.timeout(5_000);
    const as = "a".repeat(50_000);
    assert.equal(matcherOf("/(a+)+$/").test(`${as}b`), false);
    assert.equal(matcherOf("/(a+)+$/").test(as), true);
    assert.equal(matcherOf("/^(a|aa)+$/").test(`${as}!`), false);
    assert.equal(matcherOf("/(.*a){12}x/").test(as), false);
    assert.equal(matcherOf("/^(\\w+\\s?)*$/").test(`${"word ".repeat(10_000)}!`), false);
    assert.equal(matcherOf("/^(\\w+\\s?)*$/").test("word word word"), true);
  });

  it("JavaScript's flags and escapes mean what they mean in JavaScript", () => {
    assert.ok(matcherOf("/FOO/i").test("a foo b"));
    assert.ok(!matcherOf("/FOO/").test("a foo b"));
    assert.ok(matcherOf("/^\\s*export function \\w+\\(/").test("  export function add(a, b) {"));
    assert.ok(matcherOf("/\\u0041\\u{42}/u").test("xABx"));
    assert.ok(matcherOf("/caf\\u00e9/").test("café"));
    assert.ok(matcherOf("/(?<name>\\d+)px/").test("width: 12px"));
    assert.ok(matcherOf("/a\\/b/").test("a/b"));
    assert.ok(matcherOf("/a.c/s").test("abc"));
    assert.ok(matcherOf("/^b$/m").test("b"));
    // Lookbehind is linear in RE2JS, so it is kept.
    assert.ok(matcherOf("/(?<=\\$)\\d+/").test("cost $12"));
    assert.ok(!matcherOf("/(?<=\\$)\\d+/").test("cost 12"));
    // An escaped backslash followed by a digit, or `(?=` inside a class, are plain characters, not the refused syntax.
    assert.ok(matcherOf("/\\\\1/").test("C:\\1"));
    assert.ok(matcherOf("/[(?=]/").test("x="));
  });

  it("literal text matches as text, case-insensitively, whatever its punctuation", () => {
    assert.ok(matcherOf("a.b(c)").test("x A.B(C) y"));
    assert.ok(!matcherOf("a.b(c)").test("axb(c)"));
    assert.ok(matcherOf("(a+)+$").test("(A+)+$"));
    assert.equal(matcherOf("(a+)+$").maxLineChars, Number.POSITIVE_INFINITY);
  });

  it("backreferences and lookahead are refused, saying what isn't supported and to search without it", () => {
    for (const [query, construct] of [
      ["/(a)\\1/", "backreference \\1"],
      ["/(?<q>['\"]).*\\k<q>/", "named backreference"],
      ["/foo(?=bar)/", "lookahead (?="],
      ["/foo(?!bar)/", "lookahead (?!"],
    ]) {
      const problem = problemOf(query);
      assert.ok(problem.includes(construct), problem);
      assert.match(problem, /not supported/);
      assert.match(problem, /linear-time engine \(RE2 syntax\)/);
      assert.match(problem, /Search again without them/);
    }
    assert.match(problemOf("/a{1001}/"), /RE2 refuses it \(invalid repeat count/);
    assert.match(problemOf("/[/"), /is not a valid regular expression \(Invalid regular expression/);
  });

  it("a bigger pattern may be given shorter lines, so one test's work stays bounded", () => {
    const small = matcherOf("/(a+)+$/");
    const big = matcherOf("/a[ab]{1000}$/");
    assert.ok(small.maxLineChars >= 50_001, String(small.maxLineChars));
    assert.ok(big.maxLineChars < 1_500 && big.maxLineChars > 0, String(big.maxLineChars));
    assert.ok(big.maxLineChars * 1_000 <= MAX_LINE_WORK);
  });
});

/** `count` lines in chunks of 40, each `line`. */
function* sourcesOf(count: number, line = "needle"): Generator<LineSource> {
  for (let start = 0; start < count; start += 40)
    yield {
      file: `f${start}.ts`,
      startLine: 1,
      text: Array(Math.min(40, count - start))
        .fill(line)
        .join("\n"),
    };
}

/** A matcher that spends `ms` on each line, as a big pattern on a long line does. */
function slowMatcher(ms: number): LineMatcher {
  return {
    maxLineChars: Number.POSITIVE_INFINITY,
    test() {
      const until = performance.now() + ms;
      while (performance.now() < until);
      return true;
    },
  };
}

describe("search_code's line scan", () => {
  it("gives the thread back while it runs, and Stop ends it", async function () {
    this.timeout(10_000);
    const controller = new AbortController();
    let timerRan = false;
    // The timer can only run if the scan yields; the abort it sends is honoured at the next yield.
    setTimeout(() => {
      timerRan = true;
      controller.abort(new Error("stopped"));
    }, 30);
    const scan = scanLines(sourcesOf(100_000), slowMatcher(0.1), controller.signal, { ...SCAN_LIMITS, maxCounted: 1e9 });
    await assert.rejects(scan, /stopped/);
    assert.ok(timerRan);
  });

  it("stops at its time budget and its match cap, and says so", async () => {
    const signal = new AbortController().signal;
    const timed = await scanLines(sourcesOf(100_000), slowMatcher(0.1), signal, {
      ...SCAN_LIMITS,
      budgetMs: 50,
      maxCounted: 1e9,
    });
    assert.ok(timed.timedOut);
    assert.ok(timed.counted > 0 && timed.counted < 100_000, String(timed.counted));
    const capped = await scanLines(sourcesOf(5_000), matcherOf("needle"), signal);
    assert.ok(capped.capped);
    assert.equal(capped.counted, SCAN_LIMITS.maxCounted);
    assert.equal(capped.kept.length, SCAN_LIMITS.maxKept);
    assert.deepEqual(capped.kept[1], { file: "f0.ts", line: 2, text: "needle" });
  });

  it("leaves out lines too long for the pattern, counts them, and clips the long lines it shows", async () => {
    const signal = new AbortController().signal;
    const big = matcherOf("/x[ab]{900}y/");
    const long = `x${"a".repeat(big.maxLineChars)}y`;
    const scan = await scanLines([{ file: "min.js", startLine: 1, text: `${long}\n${`x${"ab".repeat(450)}y`}` }], big, signal);
    assert.equal(scan.tooLong, 1);
    assert.equal(scan.counted, 1);
    assert.equal(scan.kept[0].line, 2);
    assert.match(scan.kept[0].text, /^xabab.*… \(602 more characters\)$/);
  });
});
