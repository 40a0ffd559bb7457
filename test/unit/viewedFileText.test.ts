/**
 * Reading a file the user viewed and closed (context/viewedFileText.ts) as an attacker would try it: the last name
 * swapped for a link to a secret after the judgment, a folder on the way swapped for a link, a FIFO that would block
 * the read forever, a file over the cap; and the text itself, its UTF-8 byte order mark dropped as editors do.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { viewedFileText } from "../../server/src/context/viewedFileText";

describe("reading a viewed file from disk", () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-viewed-")));
    mkdirSync(join(root, "src"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads the file judged, its byte order mark dropped", async () => {
    const path = join(root, "src", "a.ts");
    writeFileSync(path, "\uFEFFconst a = 1;\r\n");
    assert.equal(await viewedFileText(path, path, 1024), "const a = 1;\r\n");
  });

  it("refuses a last name swapped for a link (to a secret) after it was judged", async () => {
    const path = join(root, "src", "a.ts");
    writeFileSync(join(root, ".env"), "TOKEN=secret\n");
    symlinkSync(join(root, ".env"), path);
    await assert.rejects(viewedFileText(path, path, 1024), /ELOOP|EMLINK/);
  });

  it("refuses a file reached through a folder swapped for a link after it was judged", async () => {
    const judged = join(root, "src", "a.ts");
    writeFileSync(judged, "const a = 1;\n");
    mkdirSync(join(root, "private"));
    writeFileSync(join(root, "private", "a.ts"), "const secret = 1;\n");
    renameSync(join(root, "src"), join(root, "old"));
    symlinkSync(join(root, "private"), join(root, "src"));
    assert.equal(await viewedFileText(judged, judged, 1024), undefined);
  });

  it("never waits on a FIFO, and leaves out a file over the cap or one that isn't text", async () => {
    const fifo = join(root, "src", "pipe.ts");
    execFileSync("mkfifo", [fifo]);
    assert.equal(await viewedFileText(fifo, fifo, 1024), undefined);
    const large = join(root, "src", "large.ts");
    writeFileSync(large, "x".repeat(1025));
    assert.equal(await viewedFileText(large, large, 1024), undefined);
    const binary = join(root, "src", "b.ts");
    writeFileSync(binary, Buffer.from([0x61, 0x00, 0x62]));
    assert.equal(await viewedFileText(binary, binary, 1024), undefined);
    const latin1 = join(root, "src", "c.ts");
    writeFileSync(latin1, Buffer.from([0x63, 0xe9, 0x0a]));
    assert.equal(await viewedFileText(latin1, latin1, 1024), undefined);
  });
});
