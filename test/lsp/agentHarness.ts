/**
 * The agent tests' harness: a workspace with a secret, an ignored file and a symlink out; a scripted OpenAI-compatible
 * engine on 127.0.0.1; the real language server; and the client's part (apply on Accept, run on approval) answered as
 * VS Code's would after the user's answer.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type AgentEvent,
  AgentEventNotification,
  AgentRunRequest,
  type AgentRunResult,
  type ProposeEditParams,
  ProposeEditRequest,
  type RunCommandParams,
  RunCommandRequest,
  type RunCommandResult,
} from "../../server/src/shared/agentProtocol";
import { type ScriptedReply, type ScriptedRequest, ScriptedToolEngine } from "../fixtures/scriptedToolEngine";
import { LspTestClient } from "./lspTestClient";

export const MATH = "export function add(a: number, b: number): number {\n  return a - b;\n}\n";
export const SECRET = "sk-live-0123456789abcdef";

export interface Harness {
  client: LspTestClient;
  engine: ScriptedToolEngine;
  folder: string;
  events: AgentEvent[];
  proposals: ProposeEditParams[];
  commands: RunCommandParams[];
  run(text: string, options?: { readOnly?: boolean }): Promise<AgentRunResult>;
  stop(): Promise<void>;
}

export async function harness(
  script: (request: ScriptedRequest, index: number) => ScriptedReply,
  options: {
    accept?: boolean;
    contextTokens?: number;
    agent?: Record<string, unknown>;
    models?: Record<string, unknown>;
    commandResult?: RunCommandResult;
  } = {},
): Promise<Harness> {
  const folder = mkdtempSync(join(tmpdir(), "hearth-agent-"));
  mkdirSync(join(folder, "src"));
  mkdirSync(join(folder, "build"));
  writeFileSync(join(folder, "src", "math.ts"), MATH);
  writeFileSync(join(folder, ".env"), `API_KEY=${SECRET}\n`);
  writeFileSync(join(folder, ".gitignore"), "build/\n");
  writeFileSync(join(folder, "build", "out.js"), `// ${SECRET}\n`);
  writeFileSync(join(folder, "AGENTS.md"), "Always run npm test after a change.\n");
  const outside = mkdtempSync(join(tmpdir(), "hearth-outside-"));
  writeFileSync(join(outside, "notes.txt"), `${SECRET}\n`);
  symlinkSync(outside, join(folder, "linked"));
  const engine = new ScriptedToolEngine(script, options.contextTokens);
  const url = await engine.listen();
  const client = await LspTestClient.start(
    { engine: "remote", remote: { url, api: "openai", chatModel: "chat" }, agent: options.agent, models: options.models },
    "pull",
    pathToFileURL(folder).toString(),
  );
  const events: AgentEvent[] = [];
  const proposals: ProposeEditParams[] = [];
  const commands: RunCommandParams[] = [];
  client.connection.onNotification(AgentEventNotification.type, (event) => {
    events.push(event);
  });
  // The client's part, as VS Code's would do it after the user's answer: apply on Accept, run on approval.
  client.connection.onRequest(ProposeEditRequest.type, (params) => {
    proposals.push(params);
    if (options.accept === false) return { accepted: false, reason: "not like that" };
    writeFileSync(new URL(params.uri), params.after);
    return { accepted: true };
  });
  client.connection.onRequest(RunCommandRequest.type, (params) => {
    commands.push(params);
    return options.commandResult ?? { approved: true, exitCode: 0, output: "1 passing" };
  });
  return {
    client,
    engine,
    folder,
    events,
    proposals,
    commands,
    run: (text, runOptions = {}) =>
      client.connection.sendRequest(AgentRunRequest.type, {
        chatId: "a1",
        messages: [{ role: "user", content: text }],
        context: [],
        readOnly: runOptions.readOnly ?? false,
      }),
    async stop() {
      await client.stop();
      engine.close();
      rmSync(folder, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    },
  };
}

export const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({
  toolCalls: [{ name, arguments: JSON.stringify(args) }],
});
