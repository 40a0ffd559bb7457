/**
 * One agent turn: the model answers or calls a tool, the tool runs, its result goes back, until the model
 * answers without a call, the user stops it, or the turn reaches hearth.agent.maxToolCalls. A remote call that
 * doesn't parse gets one repair attempt with the parser's message; a second failure ends the turn with a clear
 * message. Tool refusals and failures are results the model reads, never exceptions that end the turn.
 */

import type { ReasoningDelta } from "../core/reasoning";
import type { AgentMessage, AgentStepResult, ModelEngine } from "../engine/modelEngine";
import type { AgentEvent, AgentRunResult, AgentToolCall, AgentToolResult } from "../shared/agentProtocol";
import { type AgentTool, argumentProblem, type ToolContext, toolError } from "./tool";

export interface AgentTurnInput {
  engine: ModelEngine;
  tools: readonly AgentTool[];
  system: string;
  messages: AgentMessage[];
  maxToolCalls: number;
  context: ToolContext;
  onEvent(event: DistributiveOmit<AgentEvent, "chatId">): void;
  onDelta(delta: ReasoningDelta): void;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export interface AgentTurnResult {
  answer: string;
  thought: string;
  stopReason: "done" | "loopLimit" | "aborted" | "maxTokens" | "toolCallError";
  steps: Array<{ call: AgentToolCall; result: AgentToolResult }>;
  compacted: string[];
  /** Per model step, for the benchmark and tests: prompt tokens and those evaluated. */
  usage: AgentRunResult["usage"];
}

export async function runAgentTurn(input: AgentTurnInput): Promise<AgentTurnResult> {
  const { engine, tools, context } = input;
  const messages = [...input.messages];
  const steps: AgentTurnResult["steps"] = [];
  const compacted: string[] = [];
  const usage: AgentTurnResult["usage"] = [];
  const specs = tools.map((tool) => tool.spec);
  // The view appends each step's text to the last: a step's "reset" replaces only its own part.
  let shownAnswer = "";
  let shownThought = "";
  let repaired = false;
  const finish = (stopReason: AgentTurnResult["stopReason"], answer: string): AgentTurnResult => ({
    answer,
    thought: shownThought,
    stopReason,
    steps,
    compacted,
    usage,
  });
  for (;;) {
    if (context.signal.aborted) return finish("aborted", shownAnswer);
    const before = { answer: shownAnswer, thought: shownThought };
    const step: AgentStepResult = await engine.agentStep(
      { system: input.system, messages, tools: specs },
      {
        signal: context.signal,
        onDelta: (delta) => {
          if (delta.kind === "reset") {
            shownAnswer = before.answer + delta.answer;
            shownThought = before.thought + delta.thought;
            input.onDelta({ kind: "reset", answer: shownAnswer, thought: shownThought });
            return;
          }
          if (delta.kind === "answer") shownAnswer += delta.text;
          else shownThought += delta.text;
          input.onDelta(delta);
        },
      },
    );
    const { promptTokens, evaluatedPromptTokens, generatedTokens, draftTokens } = step;
    usage.push({ promptTokens, evaluatedPromptTokens, generatedTokens, draftTokens });
    for (const summary of step.compacted) {
      if (compacted.includes(summary)) continue;
      compacted.push(summary);
      input.onEvent({ kind: "compacted", summary });
    }
    if (step.stopReason === "aborted") return finish("aborted", shownAnswer);
    if (step.parseError !== undefined) {
      if (repaired) {
        const message = `\n\nThe model's tool call did not parse twice, so the turn stopped (${step.parseError}). A model made for tool calling (Qwen2.5-Coder-Instruct, Qwen3) does better; locally, calls always parse.`;
        input.onDelta({ kind: "answer", text: message });
        return finish("toolCallError", shownAnswer + message);
      }
      repaired = true;
      messages.push({ role: "assistant", content: step.answer });
      messages.push({
        role: "user",
        content: `${step.parseError}\nCall the tool again, with its arguments as one JSON object that matches its parameters.`,
      });
      continue;
    }
    if (step.toolCalls.length === 0) return finish(step.stopReason === "maxTokens" ? "maxTokens" : "done", shownAnswer);
    if (steps.length >= input.maxToolCalls) {
      const message = `\n\nStopped after ${input.maxToolCalls} tool calls (hearth.agent.maxToolCalls). Say "go on" to continue.`;
      input.onDelta({ kind: "answer", text: message });
      return finish("loopLimit", shownAnswer + message);
    }
    messages.push({ role: "assistant", content: step.answer, thought: step.thought || undefined, toolCalls: step.toolCalls });
    for (const call of step.toolCalls) {
      // Stopped between the model's answer and the tool: nothing starts.
      if (context.signal.aborted) return finish("aborted", shownAnswer);
      input.onEvent({ kind: "toolCall", call });
      const output = await runTool(tools, call, context);
      if (context.signal.aborted) return finish("aborted", shownAnswer);
      const result: AgentToolResult = { callId: call.id, name: call.name, content: output.content, isError: output.isError };
      steps.push({ call, result });
      input.onEvent({ kind: "toolResult", result });
      messages.push({ role: "tool", callId: call.id, name: call.name, content: output.content, summary: output.summary });
    }
    if (shownAnswer !== "" && !shownAnswer.endsWith("\n\n")) {
      shownAnswer += "\n\n";
      input.onDelta({ kind: "answer", text: "\n\n" });
    }
  }
}

async function runTool(tools: readonly AgentTool[], call: AgentToolCall, context: ToolContext) {
  const tool = tools.find((candidate) => candidate.spec.name === call.name);
  if (!tool)
    return toolError(
      call.name,
      `There is no tool named ${call.name}. The tools are: ${tools.map((t) => t.spec.name).join(", ")}.`,
    );
  const problem = argumentProblem(tool.spec, call.arguments);
  if (problem) return toolError(call.name, problem);
  try {
    return await tool.run(call.arguments, context);
  } catch (error) {
    if (context.signal.aborted) return toolError(call.name, "Stopped by the user.");
    return toolError(call.name, `It failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
