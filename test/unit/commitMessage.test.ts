import { strict as assert } from "node:assert";
import { COMMIT_DIFF_CHARS, cleanCommitMessage, commitDiff, commitMessagePrompt } from "../../server/src/shared/commitMessage";

const section = (path: string, body = "+x\n") =>
  `diff --git a/${path} b/${path}\nindex 1..2 100644\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n${body}`;

describe("commit messages", () => {
  it("leaves secrets files' sections out of the diff, and says which", () => {
    const change = commitDiff(section("src/a.ts") + section(".env", "+TOKEN=hunter2\n") + section("config/secrets.json"));
    assert.deepEqual(change.secretFiles, [".env", "config/secrets.json"]);
    assert.equal(change.diff, section("src/a.ts"));
    assert.ok(!commitMessagePrompt(change).includes("hunter2"));
  });

  it("cuts a long diff at a file boundary and tells the model how many files it does not see", () => {
    const big = section("a.ts", `+${"y".repeat(COMMIT_DIFF_CHARS - 200)}\n`);
    const change = commitDiff(big + section("b.ts") + section("c.ts", `+${"z".repeat(500)}\n`));
    assert.deepEqual(change.cutFiles, ["c.ts"]);
    assert.match(commitMessagePrompt(change), /1 more changed files are not shown/);
  });

  it("cleans the model's reply into a message", () => {
    assert.equal(cleanCommitMessage("```\nFix the parser\n\nIt dropped tabs.\n```"), "Fix the parser\n\nIt dropped tabs.");
    assert.equal(cleanCommitMessage('"Add a README"'), "Add a README");
    assert.equal(cleanCommitMessage("  Bump version\n"), "Bump version");
  });
});
