/**
 * The README's Privacy table is the user's list of what never reaches a model: it must name every built-in pattern
 * (server/src/shared/sensitivePatterns.ts), so a pattern added to the code is added to the promise too.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { braceExpand } from "minimatch";
import { DEFAULT_SENSITIVE_PATTERNS } from "../../server/src/shared/sensitivePatterns";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The README's Privacy section, from its heading to the next one. */
function privacySection(): string {
  const start = README.indexOf("\n## Privacy");
  assert.ok(start >= 0, "the README has a Privacy section");
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** How the README writes a pattern: without the leading `**\/`, a folder as `name/`. */
function asWritten(pattern: string): string {
  return pattern.replace(/^\*\*\//, "").replace(/\/\*\*$/, "/");
}

describe("the README's list of secrets files", () => {
  it("names every built-in pattern", () => {
    const section = privacySection();
    const missing = DEFAULT_SENSITIVE_PATTERNS.flatMap((pattern) =>
      braceExpand(pattern)
        // `name.txt` variants are written once, as "(each also with .txt)".
        .filter((expanded) => !expanded.endsWith(".txt") || !braceExpand(pattern).includes(expanded.slice(0, -4)))
        .map(asWritten)
        .filter((written) => !section.includes(`\`${written}\``)),
    );
    assert.deepEqual(missing, []);
  });
});
