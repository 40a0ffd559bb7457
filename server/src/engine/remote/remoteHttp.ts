/**
 * HTTP to a serving engine (llama-server, vLLM, Ollama…): JSON requests and server-sent event streams, each with a
 * timeout, the caller's abort, and failures turned into errors that say what to do.
 *
 * Aborting a streaming request closes its connection; llama-server and vLLM stop generating when that happens.
 */
import { createParser } from "eventsource-parser";
import { isLoopbackUrl } from "../../shared/loopback";
import { abortError, EngineError } from "../engineError";

export type RemoteFailure = "unreachable" | "unauthorized" | "notFound" | "timeout" | "loading" | "server" | "badResponse";

/** A remote-engine failure; `transient` ones (server restarting, loading, overloaded) are worth retrying later. */
export class RemoteError extends EngineError {
  constructor(
    message: string,
    fix: string,
    readonly failure: RemoteFailure,
    readonly transient: boolean,
    setting?: string,
  ) {
    super(message, fix, setting);
    this.name = "RemoteError";
  }
}

export interface RemoteEndpoint {
  /** Base URL without a trailing slash. */
  url: string;
  /** Longest wait for response headers, or between two chunks of a stream. */
  timeoutMs: number;
  /** Returns the bearer token, if any (from VS Code's secret storage or HEARTH_REMOTE_API_KEY). */
  apiKey(): Promise<string | undefined>;
}

export interface RequestOptions {
  method?: "GET" | "POST";
  body?: unknown;
  signal: AbortSignal;
}

export class RemoteHttp {
  constructor(private readonly endpoint: RemoteEndpoint) {}

  get url(): string {
    return this.endpoint.url;
  }

  /** Sends a request and parses a JSON answer. */
  async json<T>(path: string, options: RequestOptions): Promise<T> {
    const { response, done } = await this.send(path, options);
    try {
      const text = await this.withIdleTimeout(response.text(), done);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw this.notTheApi(path, response, text);
      }
    } finally {
      done.finish();
    }
  }

  /**
   * Sends a request and yields the JSON of each server-sent event until `[DONE]` or the end of the stream.
   * Leaving the loop early (break, throw) closes the connection.
   */
  async *events(path: string, options: RequestOptions): AsyncGenerator<unknown> {
    const { response, done } = await this.send(path, options);
    try {
      const type = response.headers.get("content-type") ?? "";
      if (!type.includes("text/event-stream")) {
        const text = await this.withIdleTimeout(response.text(), done);
        throw this.notTheApi(path, response, text);
      }
      const pending: unknown[] = [];
      let finished = false;
      let malformed: string | undefined;
      const parser = createParser({
        onEvent: (event) => {
          if (event.data === "[DONE]") {
            finished = true;
            return;
          }
          try {
            pending.push(JSON.parse(event.data));
          } catch {
            malformed ??= event.data.slice(0, 200);
          }
        },
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      try {
        while (!finished) {
          const chunk = await this.withIdleTimeout(reader.read(), done);
          if (chunk.done) break;
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          if (malformed !== undefined) {
            throw new RemoteError(
              `The server at ${this.url} sent a stream event that is not JSON: ${malformed}`,
              "Check that hearth.remote.api matches the server (llama-server or openai).",
              "badResponse",
              false,
              "hearth.remote.api",
            );
          }
          while (pending.length > 0) yield pending.shift();
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } finally {
      done.finish();
    }
  }

  private async send(path: string, options: RequestOptions): Promise<{ response: Response; done: RequestTimer }> {
    options.signal.throwIfAborted();
    const done = new RequestTimer(this.endpoint.timeoutMs, options.signal);
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    const key = await this.endpoint.apiKey();
    if (key) headers.authorization = `Bearer ${key}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.withIdleTimeout(
        fetch(`${this.endpoint.url}${path}`, {
          method: options.method ?? (options.body === undefined ? "GET" : "POST"),
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: done.signal,
        }),
        done,
      );
    } catch (error) {
      done.finish();
      throw this.describe(error, done);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      done.finish();
      throw this.statusError(path, response.status, text);
    }
    return { response, done };
  }

  /** Waits for one step of a request; a stall longer than the timeout fails it. Errors come back described. */
  private async withIdleTimeout<T>(step: Promise<T>, timer: RequestTimer): Promise<T> {
    timer.restart();
    try {
      return await step;
    } catch (error) {
      throw this.describe(error, timer);
    } finally {
      timer.pause();
    }
  }

  private describe(error: unknown, timer: RequestTimer): unknown {
    if (error instanceof RemoteError) return error;
    if (timer.callerAborted) return timer.abortError();
    if (timer.timedOut) {
      return new RemoteError(
        `The remote engine at ${this.url} did not answer within ${Math.round(this.endpoint.timeoutMs / 1000)} s.`,
        "Check that the server is not overloaded, or raise hearth.remote.timeoutSeconds.",
        "timeout",
        true,
        "hearth.remote.timeoutSeconds",
      );
    }
    const code = errorCode(error);
    const loopback = isLoopbackUrl(this.url)
      ? " The language server runs where the VS Code extension host runs: with Remote-SSH, WSL or code-server, a loopback address is that machine, not this one."
      : "";
    if (
      code === "ECONNREFUSED" ||
      code === "ENOTFOUND" ||
      code === "EHOSTUNREACH" ||
      code === "EAI_AGAIN" ||
      code === "ENETUNREACH"
    ) {
      return new RemoteError(
        `Can't reach the remote engine at ${this.url} (${code}).`,
        `Start the server, or correct hearth.remote.url.${loopback}`,
        "unreachable",
        true,
        "hearth.remote.url",
      );
    }
    if (code === "ERR_INVALID_URL" || (error instanceof TypeError && /invalid url|url/i.test(String(error.message)) && !code)) {
      return new RemoteError(
        `hearth.remote.url is not a valid URL: ${this.url}`,
        "Set it to the server's base URL, such as http://127.0.0.1:8080.",
        "unreachable",
        false,
        "hearth.remote.url",
      );
    }
    if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || /terminated|other side closed/i.test(errorMessage(error))) {
      return new RemoteError(
        `The connection to the remote engine at ${this.url} closed before the reply was complete (${code ?? "terminated"}).`,
        "The server may have crashed or restarted; Hearth reconnects on its own. What arrived before is kept.",
        "unreachable",
        true,
        "hearth.remote.url",
      );
    }
    return new RemoteError(
      `The connection to the remote engine at ${this.url} failed${code ? ` (${code})` : ""}: ${errorMessage(error)}.`,
      "If the server restarted, Hearth reconnects on its own; otherwise check the server's log.",
      "unreachable",
      true,
      "hearth.remote.url",
    );
  }

  private statusError(path: string, status: number, body: string): RemoteError {
    const detail = serverMessage(body);
    const said = detail ? `: ${detail}` : "";
    if (status === 401 || status === 403) {
      return new RemoteError(
        `The remote engine at ${this.url} refused the request (${status}${said}).`,
        "Run “Hearth: Set Remote Engine API Key” with the key the server expects.",
        "unauthorized",
        false,
      );
    }
    if (status === 404) {
      return new RemoteError(
        `The remote engine at ${this.url} has no ${path} (404${said}).`,
        "Check hearth.remote.url (the base URL, without /v1), hearth.remote.api, and the model names in hearth.remote.completionModel / chatModel.",
        "notFound",
        false,
        "hearth.remote.url",
      );
    }
    if (status === 503 && /loading/i.test(body)) {
      return new RemoteError(
        `The remote engine at ${this.url} is still loading its model.`,
        "Hearth retries on its own.",
        "loading",
        true,
      );
    }
    const transient = status === 429 || status === 502 || status === 503 || status === 504;
    return new RemoteError(
      `The remote engine at ${this.url} answered ${path} with HTTP ${status}${said}.`,
      transient ? "The server is busy or restarting; Hearth retries on its own." : "See the server's log for the cause.",
      "server",
      transient,
    );
  }

  private notTheApi(path: string, response: Response, text: string): RemoteError {
    const type = response.headers.get("content-type") ?? "no content type";
    return new RemoteError(
      `The server at ${this.url} answered ${path} with something that is not the expected API (${type}: ${JSON.stringify(text.slice(0, 80))}).`,
      "Check hearth.remote.url and that hearth.remote.api matches the server (llama-server or openai).",
      "badResponse",
      false,
      "hearth.remote.api",
    );
  }
}

/** One request's abort controller: the caller's signal plus an idle timer that runs only while waiting on the server. */
class RequestTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.caller.reason);
  timedOut = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly caller: AbortSignal,
  ) {
    caller.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get callerAborted(): boolean {
    return this.caller.aborted;
  }

  abortError(): Error {
    return abortError();
  }

  restart(): void {
    this.pause();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
  }

  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the request: closes the connection if it is still open and forgets the caller's signal. */
  finish(): void {
    this.pause();
    this.caller.removeEventListener("abort", this.onCallerAbort);
    this.controller.abort();
  }
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && cause.message !== text ? `${text}: ${cause.message}` : text;
}

/** The error text servers put in their JSON bodies ({error: {message}} or {error: "…"} or {detail}), shortened. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; detail?: unknown; message?: unknown };
    const message =
      typeof parsed.error === "string"
        ? parsed.error
        : typeof parsed.error?.message === "string"
          ? parsed.error.message
          : typeof parsed.detail === "string"
            ? parsed.detail
            : typeof parsed.message === "string"
              ? parsed.message
              : "";
    return message.slice(0, 200);
  } catch {
    return body.trim().startsWith("<") ? "" : body.trim().slice(0, 200);
  }
}

/** Waits `ms`, or rejects with an abort error as soon as `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(abortError());
      },
      { once: true },
    );
  });
}
