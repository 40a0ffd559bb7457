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
  const record = (kind: NetworkAuditEntry["kind"], target: string) => {
    if (!isHearthCall(new Error().stack ?? "")) return;
    const entry: NetworkAuditEntry = { kind, target, process: process_, pid: process.pid };
    try {
      appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
    } catch {
      // An audit must never break the process it watches.
    }
  };
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() hands connect() its arguments already normalized, as [options, callback].
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = (typeof first === "object" && first !== null ? first : { port: first, host: args[1] }) as {
      path?: string | null;
      host?: string;
      port?: unknown;
    };
    if (options.path != null) record("ipc", String(options.path));
    else record("tcp", `${options.host ?? "localhost"}:${String(options.port)}`);
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
  const lookup = dns.lookup as (...args: unknown[]) => unknown;
  (dns as { lookup: unknown }).lookup = function (this: unknown, hostname: unknown, ...rest: unknown[]) {
    record("dns", String(hostname));
    return lookup.call(this, hostname, ...rest);
  };
}
