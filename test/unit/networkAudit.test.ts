/**
 * The network audit in a shared process (the extension host): a connection counts as Hearth's by its callers' frames,
 * never by the audit's own, which live in Hearth's bundle too. Here the "bundle" is every file whose name says
 * networkAudit (the audit and this test), as Hearth's extension.js holds both the audit and Hearth's code.
 */
import { strict as assert } from "node:assert";
import dns from "node:dns";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInThisContext } from "node:vm";
import { installNetworkAudit, type NetworkAuditEntry } from "../../server/src/shared/networkAudit";

describe("network audit in a process shared with other extensions", () => {
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  let folder: string;
  let log: string;
  let server: net.Server;
  let port: number;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "hearth-audit-"));
    log = join(folder, "network.jsonl");
    process.env.HEARTH_NETWORK_LOG = log;
    installNetworkAudit("client", (stack) => stack.includes("networkAudit"));
    server = net.createServer((socket) => socket.end()).listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as net.AddressInfo).port;
  });

  after(() => {
    net.Socket.prototype.connect = connect;
    (dns as { lookup: unknown }).lookup = lookup;
    delete process.env.HEARTH_NETWORK_LOG;
    server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const entries = (): NetworkAuditEntry[] =>
    readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));

  const closed = (socket: net.Socket) => once(socket, "close");

  it("records a connection Hearth's code makes, with its host lookup", async () => {
    await closed(net.connect(port, "localhost").on("error", () => undefined));
    const targets = entries().map((entry) => `${entry.kind} ${entry.target}`);
    assert.ok(targets.includes(`tcp localhost:${port}`), targets.join(", "));
    assert.ok(targets.includes("dns localhost"), targets.join(", "));
  });

  it("does not record another extension's connection or its lookup, though the audit's frames are on its stack", async () => {
    const before = entries().length;
    // Another extension's file, connecting from its own timer: no frame of Hearth's code under it.
    const other = runInThisContext(
      "(net, port, done) => setTimeout(() => net.connect(port, 'localhost').on('error', () => {}).on('close', done))",
      { filename: "/extensions/other.other-1.0.0/dist/extension.js" },
    ) as (n: typeof net, p: number, done: () => void) => void;
    await new Promise<void>((resolve) => other(net, port, resolve));
    assert.deepEqual(entries().slice(before), []);
  });
});
