/**
 * An audit of Hearth's own network use, for anyone who wants to check the "no network" promise (and for the UI
 * tests, which do): with HEARTH_NETWORK_LOG set to a file, every outgoing socket connection and DNS lookup made by
 * Hearth's code is appended to it as a JSON line. Off (and nothing patched) without the variable.
 *
 * VS Code strips NODE_OPTIONS from the processes it starts, so this can't be preloaded from outside; both Hearth
 * processes install it themselves.
 */

import dns from "node:dns";
import { appendFileSync } from "node:fs";
import net from "node:net";

export interface NetworkAuditEntry {
  kind: "tcp" | "ipc" | "dns";
  target: string;
  /** "server" (the language server) or "client" (the extension, in the shared extension host). */
  process: string;
  pid: number;
}

/**
 * @param isHearthCall decides from the call stack whether Hearth made the call; the extension host is shared with
 *   other extensions, whose traffic is not Hearth's to report.
 */
export function installNetworkAudit(process_: "server" | "client", isHearthCall: (stack: string) => boolean = () => true): void {
  const logFile = process.env.HEARTH_NETWORK_LOG;
  if (!logFile) return;
  // Decided from the callers' frames only: the patches below live in Hearth's bundle, so their own frames (and the
  // audit's) would name Hearth in every connection the extension host makes. `patched` is the patched function.
  const byHearth = (patched: (...args: never[]) => unknown) => {
    const trace: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50; // Hearth's frame may sit below node's and a library's
    Error.captureStackTrace(trace, patched);
    Error.stackTraceLimit = limit;
    return isHearthCall(trace.stack ?? "");
  };
  const record = (kind: NetworkAuditEntry["kind"], target: string) => {
    const entry: NetworkAuditEntry = { kind, target, process: process_, pid: process.pid };
    try {
      appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
    } catch {
      // An audit must never break the process it watches.
    }
  };
  /** Set while a patched connect runs: the host lookup it makes (synchronously) is its caller's. */
  let connectingForHearth: boolean | undefined;
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  const auditedConnect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() hands connect() its arguments already normalized, as [options, callback].
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = (typeof first === "object" && first !== null ? first : { port: first, host: args[1] }) as {
      path?: string | null;
      host?: string;
      port?: unknown;
    };
    const hearth = byHearth(auditedConnect);
    if (hearth && options.path != null) record("ipc", String(options.path));
    else if (hearth) record("tcp", `${options.host ?? "localhost"}:${String(options.port)}`);
    const outer = connectingForHearth;
    connectingForHearth = hearth;
    try {
      return connect.apply(this, args);
    } finally {
      connectingForHearth = outer;
    }
  };
  net.Socket.prototype.connect = auditedConnect as typeof net.Socket.prototype.connect;
  const lookup = dns.lookup as (...args: unknown[]) => unknown;
  const auditedLookup = function (this: unknown, hostname: unknown, ...rest: unknown[]) {
    if (connectingForHearth ?? byHearth(auditedLookup)) record("dns", String(hostname));
    return lookup.call(this, hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = auditedLookup;
}
