/**
 * Model downloads against a loopback hub: progress, cancel and resume, a cut connection, checksum and HTML refusal,
 * HTTP errors and a full disk. The file is a generated GGUF model.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DownloadProgress, downloadModel } from "../../server/src/models/downloader";
import { downloadUrl, fetchHubFile, parseHfUri, resolveHubEndpoint } from "../../server/src/models/hubClient";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LoopbackHub } from "../fixtures/loopbackHub";

const REPO = "hearth-test/bigram-GGUF";
const FILE = "bigram-q.gguf";

describe("model downloads (loopback hub)", function () {
  this.timeout(60_000);
  let hub: LoopbackHub;
  let published: { size: number; sha256: string };
  let directory: string;
  const source = () => readFileSync(bigramModelPath("qwen"));

  before(async () => {
    hub = await LoopbackHub.start();
    published = hub.addFile(REPO, FILE, bigramModelPath("qwen"));
  });
  after(() => hub.stop());
  beforeEach(() => {
    hub.fault = {};
    hub.requests.length = 0;
    directory = mkdtempSync(join(tmpdir(), "hearth-download-"));
  });

  const location = () => ({ endpoint: hub.endpoint, repo: REPO, file: FILE });
  const download = (extra: Partial<Parameters<typeof downloadModel>[0]> = {}) =>
    downloadModel({
      url: downloadUrl(location()),
      destination: join(directory, FILE),
      expectedSize: published.size,
      expectedSha256: published.sha256,
      signal: new AbortController().signal,
      ...extra,
    });

  it("reads the file's size and SHA-256 from the hub's file list", async () => {
    assert.deepEqual(await fetchHubFile(location(), undefined, new AbortController().signal), { path: FILE, ...published });
  });

  it("downloads with progress, verifies, and leaves only the finished file", async () => {
    const progress: DownloadProgress[] = [];
    await download({ onProgress: (p) => progress.push(p) });
    assert.deepEqual(readFileSync(join(directory, FILE)), source());
    assert.equal(existsSync(join(directory, `${FILE}.partial`)), false);
    assert.ok(progress.length > 1);
    assert.equal(progress.at(-1)?.receivedBytes, published.size);
    assert.ok(progress.every((p, i) => i === 0 || p.receivedBytes >= progress[i - 1].receivedBytes));
  });

  it("resumes after a cancel with a Range request", async () => {
    hub.fault = { bytesPer10ms: 32 * 1024 };
    const controller = new AbortController();
    await assert.rejects(
      download({
        signal: controller.signal,
        onProgress: (p) => {
          if (p.receivedBytes > published.size / 3) controller.abort();
        },
      }),
    );
    const kept = statSync(join(directory, `${FILE}.partial`)).size;
    assert.ok(kept > 0 && kept < published.size, `kept ${kept} bytes`);
    hub.fault = {};
    await download();
    assert.equal(hub.requests.at(-1)?.range, `bytes=${kept}-`);
    assert.deepEqual(readFileSync(join(directory, FILE)), source());
  });

  it("reports a connection cut mid-file, then resumes on the next try", async () => {
    hub.fault = { cutAfterBytes: 100_000 };
    await assert.rejects(
      download(),
      (error: Error & { fix?: string }) => /broke off at/.test(error.message) && /resumes where it stopped/.test(error.fix ?? ""),
    );
    await download();
    assert.match(hub.requests.at(-1)?.range ?? "", /^bytes=\d+-$/);
    assert.deepEqual(readFileSync(join(directory, FILE)), source());
  });

  it("rejects a checksum mismatch and leaves nothing behind", async () => {
    await assert.rejects(download({ expectedSha256: "0".repeat(64) }), /checksum does not match/);
    assert.equal(existsSync(join(directory, FILE)), false);
    assert.equal(existsSync(join(directory, `${FILE}.partial`)), false);
  });

  it("rejects an HTML page instead of the model", async () => {
    hub.fault = { html: true };
    await assert.rejects(download(), /web page instead of the model/);
    assert.equal(existsSync(join(directory, `${FILE}.partial`)), false);
  });

  it("says what to do on HTTP 401", async () => {
    hub.fault = { status: 401 };
    await assert.rejects(
      download(),
      (error: Error & { fix?: string }) => /HTTP 401/.test(error.message) && /token/.test(error.fix ?? ""),
    );
  });

  it("refuses to start without disk space, before writing anything", async () => {
    await assert.rejects(download({ freeSpace: async () => published.size }), /Not enough disk space/);
    assert.equal(hub.requests.length, 0);
    assert.equal(existsSync(join(directory, `${FILE}.partial`)), false);
  });

  it("names the hub endpoint from the setting, then HF_ENDPOINT, then huggingface.co, and parses hf: URIs", () => {
    assert.equal(resolveHubEndpoint("http://127.0.0.1:9/", {}), "http://127.0.0.1:9");
    assert.equal(resolveHubEndpoint("", { HF_ENDPOINT: "https://mirror.example/" }), "https://mirror.example");
    assert.equal(resolveHubEndpoint(undefined, {}), "https://huggingface.co");
    assert.deepEqual(parseHfUri("hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF/qwen2.5-coder-1.5b-q8_0.gguf"), {
      repo: "ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF",
      file: "qwen2.5-coder-1.5b-q8_0.gguf",
    });
    assert.equal(parseHfUri("/models/local.gguf"), undefined);
    // A pinned revision (a catalog entry's `revision`) is where the file comes from.
    const pinned = { endpoint: "https://hub.example", repo: "o/r", file: "m.gguf", revision: "0123abc" };
    assert.equal(downloadUrl(pinned), "https://hub.example/o/r/resolve/0123abc/m.gguf");
    assert.equal(downloadUrl({ ...pinned, revision: undefined }), "https://hub.example/o/r/resolve/main/m.gguf");
  });
});
