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

  /** A section as git writes it with a given header and `---`/`+++` names (already prefixed and quoted as git would). */
  const raw = (header: string, from: string, to: string, body: string) =>
    `diff --git ${header}\nindex 1..2 100644\n--- ${from}\n+++ ${to}\n@@ -1 +1 @@\n${body}`;

  it("reads git's quoted names (core.quotePath): a .env in a folder with an accent, a file in secrets/", () => {
    const accented = '"a/d\\303\\251v/.env" "b/d\\303\\251v/.env"';
    const spanish = '"a/secrets/contrase\\303\\261a.txt" "b/secrets/contrase\\303\\261a.txt"';
    const change = commitDiff(
      raw(accented, '"a/d\\303\\251v/.env"', '"b/d\\303\\251v/.env"', "+TOKEN=quoted-1\n") +
        raw(spanish, '"a/secrets/contrase\\303\\261a.txt"', '"b/secrets/contrase\\303\\261a.txt"', "+pw=quoted-2\n") +
        raw(
          '"a/d\\303\\251v/notes \\"x\\".md" "b/d\\303\\251v/notes \\"x\\".md"',
          '"a/d\\303\\251v/notes \\"x\\".md"',
          '"b/d\\303\\251v/notes \\"x\\".md"',
          "+ok\n",
        ),
    );
    assert.deepEqual(change.secretFiles, ["dév/.env", "secrets/contraseña.txt"]);
    assert.ok(!change.diff.includes("quoted-1") && !change.diff.includes("quoted-2"), change.diff);
    assert.match(change.diff, /\+ok/, "an ordinary quoted name is kept");
  });

  it("reads diff.mnemonicPrefix's c/ i/ w/ o/ prefixes, diff.noprefix, and a custom diff.srcPrefix", () => {
    const forms = [
      raw("c/.env i/.env", "c/.env", "i/.env", "+TOKEN=mnemonic-ci\n"),
      raw("i/.env w/.env", "i/.env", "w/.env", "+TOKEN=mnemonic-iw\n"),
      raw("o/config/.env w/config/.env", "o/config/.env", "w/config/.env", "+TOKEN=mnemonic-ow\n"),
      raw(".env .env", ".env", ".env", "+TOKEN=noprefix\n"),
      raw("deploy/prod.env deploy/prod.env", "deploy/prod.env", "deploy/prod.env", "+TOKEN=noprefix-nested\n"),
      raw("SRC/.env DST/.env", "SRC/.env", "DST/.env", "+TOKEN=custom-prefix\n"),
    ];
    const change = commitDiff(forms.join("") + raw("c/src/a.ts i/src/a.ts", "c/src/a.ts", "i/src/a.ts", "+kept\n"));
    assert.equal(change.secretFiles.length, forms.length, change.secretFiles.join(", "));
    assert.ok(!/TOKEN=/.test(change.diff), change.diff);
    assert.match(change.diff, /\+kept/);
  });

  it("judges a section by its ---/+++ and rename lines too, and a merge's diff --cc section by its name", () => {
    // A header this code can't read (a bare name with " b/" in it) still has its +++ line.
    const odd =
      "diff --git a/x b/.env b/x b/.env\nindex 1..2 100644\n--- a/x b/.env\t\n+++ b/x b/.env\t\n@@ -1 +1 @@\n+TOKEN=odd\n";
    const renamed =
      'diff --git a/notes.txt "b/\\303\\251/.env"\nsimilarity index 90%\nrename from notes.txt\nrename to "\\303\\251/.env"\n';
    const conflict = "diff --cc .env\nindex 1,2..3\n--- a/.env\n+++ b/.env\n@@@ -1,1 -1,1 +1,5 @@@\n++TOKEN=conflict\n";
    const change = commitDiff(section("src/a.ts") + odd + renamed + conflict);
    assert.equal(change.secretFiles.length, 3, change.secretFiles.join(", "));
    assert.equal(change.diff, section("src/a.ts"));
  });

  it("drops a section whose file names can't be read, and says how many (fail closed)", () => {
    const broken = 'diff --git "a/unterminated\nBinary files differ\n';
    const preamble = "some text before any diff --git line\nTOKEN=preamble\n";
    const change = commitDiff(preamble + section("src/a.ts") + broken);
    assert.equal(change.unreadableSections, 2);
    assert.equal(change.diff, section("src/a.ts"));
    assert.match(commitMessagePrompt(change), /2 more changed files are not shown/);
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
