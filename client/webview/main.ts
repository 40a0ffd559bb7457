/**
 * The chat view's page. It holds no state of its own worth keeping: the extension sends the conversation on
 * `ready` and after every change, and streams deltas while a reply is generated.
 */
import createDOMPurify from "dompurify";
import type {
  ChatDelta,
  ChatMode,
  ChatTurn,
  Conversation,
  ExtensionToWebview,
  ToolStep,
} from "../../server/src/shared/chatProtocol";
import { createMarkdownRenderer } from "./markdown";
import { post } from "./vscodeApi";

const render = createMarkdownRenderer(createDOMPurify(window));

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const messages = byId<HTMLDivElement>("messages");
const input = byId<HTMLTextAreaElement>("input");
const sendButton = byId<HTMLButtonElement>("send");
const chips = byId<HTMLDivElement>("chips");
const problem = byId<HTMLDivElement>("problem");
const history = byId<HTMLSelectElement>("history");
const notice = byId<HTMLDivElement>("notice");
const model = byId<HTMLDivElement>("model");
const mode = byId<HTMLSelectElement>("mode");

let busy = false;
let streaming: { thought: string; answer: string; started: number; tools: ToolStep[] } | undefined;
let rules: Array<{ path: string; enabled: boolean }> = [];
let currentMode: ChatMode = "ask";
let readOnly = false;
let streamingNode: HTMLElement | undefined;
let renderScheduled = false;

function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** Adds Copy / Insert / Apply to every code block (built as DOM nodes, never as HTML strings). */
function addCodeActions(container: HTMLElement): void {
  for (const pre of container.querySelectorAll("pre")) {
    const code = pre.textContent ?? "";
    const bar = element("div", "code-actions");
    const actions: Array<[string, "copyCode" | "insertCode" | "applyCode"]> = [
      ["Copy", "copyCode"],
      ["Insert at Cursor", "insertCode"],
      ["Apply…", "applyCode"],
    ];
    for (const [label, type] of actions) {
      const button = element("button", "code-action", label);
      button.addEventListener("click", () => post({ type, code: code.replace(/\n$/, "") }));
      bar.append(button);
    }
    pre.before(bar);
  }
}

function renderThought(thought: string, ms: number | undefined, thinking: boolean): HTMLElement {
  const details = element("details", "thought");
  const summary = element(
    "summary",
    undefined,
    thinking ? `Thinking… ${formatSeconds(ms ?? 0)}` : `Thought for ${formatSeconds(ms ?? 0)}`,
  );
  const body = element("div", "thought-body");
  body.innerHTML = render(thought);
  details.append(summary, body);
  return details;
}

/**
 * A tool call, collapsed: its name and main argument, then the arguments and the result as plain text (tool
 * results are untrusted: never rendered as HTML or markdown).
 */
function renderTool(step: ToolStep): HTMLElement {
  const details = element("details", `tool${step.isError ? " tool-error" : ""}`);
  let args: Record<string, unknown> = {};
  try {
    args = JSON.parse(step.arguments) as Record<string, unknown>;
  } catch {
    // shown raw below
  }
  const main = args.path ?? args.query ?? args.glob ?? args.command ?? "";
  const state = step.result === "" ? " …" : step.isError ? " (refused)" : "";
  details.append(element("summary", undefined, `${step.name} ${String(main)}${state}`));
  details.append(element("pre", "tool-arguments", step.arguments));
  if (step.result !== "") details.append(element("pre", "tool-result", step.result));
  return details;
}

function renderTurn(turn: ChatTurn, index: number): HTMLElement {
  const node = element("div", `turn ${turn.role}`);
  if (turn.context && turn.context.length > 0) node.append(element("div", "turn-context", `Context: ${turn.context.join(", ")}`));
  if (turn.thought) node.append(renderThought(turn.thought, turn.thoughtMs, false));
  for (const step of turn.tools ?? []) node.append(renderTool(step));
  const body = element("div", "markdown");
  body.innerHTML = render(turn.content);
  addCodeActions(body);
  node.append(body);
  if (turn.note) node.append(element("div", "turn-note", turn.note));
  if (turn.checkpoint && turn.checkpoint.length > 0) {
    if (turn.undone) node.append(element("div", "turn-note", "This turn's edits were undone."));
    else {
      const undo = element("button", "undo-turn", "Undo this turn's edits");
      undo.addEventListener("click", () => post({ type: "undoTurn", index }));
      node.append(undo);
    }
  }
  return node;
}

function renderStreaming(): void {
  renderScheduled = false;
  if (!streaming || !streamingNode) return;
  streamingNode.replaceChildren();
  const elapsed = performance.now() - streaming.started;
  if (streaming.thought) streamingNode.append(renderThought(streaming.thought, elapsed, streaming.answer === ""));
  for (const step of streaming.tools) streamingNode.append(renderTool(step));
  const body = element("div", "markdown");
  body.innerHTML = render(streaming.answer);
  streamingNode.append(body);
  messages.scrollTop = messages.scrollHeight;
}

function startStreaming(): NonNullable<typeof streaming> {
  if (!streaming) {
    streaming = { thought: "", answer: "", started: performance.now(), tools: [] };
    streamingNode = element("div", "turn assistant streaming");
    messages.append(streamingNode);
  }
  return streaming;
}

function scheduleRender(): void {
  // Render at most once a frame, however fast tokens come.
  if (!renderScheduled) {
    renderScheduled = true;
    requestAnimationFrame(renderStreaming);
  }
}

function applyDelta(delta: ChatDelta): void {
  streaming = startStreaming();
  if (delta.kind === "reset") {
    streaming.thought = delta.thought;
    streaming.answer = delta.answer;
  } else if (delta.kind === "thought") streaming.thought += delta.text;
  else streaming.answer += delta.text;
  scheduleRender();
}

function setBusy(value: boolean): void {
  busy = value;
  sendButton.textContent = busy ? "Stop" : "Send";
  sendButton.title = busy ? "Stop (Escape)" : "Send (Enter)";
  document.body.classList.toggle("busy", busy);
}

function renderChips(labels: string[]): void {
  chips.replaceChildren();
  for (const label of labels) {
    const chip = element("span", "chip", label);
    const remove = element("button", "chip-remove", "×");
    remove.title = `Remove ${label}`;
    remove.addEventListener("click", () => post({ type: "removeContext", label }));
    chip.append(remove);
    chips.append(chip);
  }
  if (currentMode === "agent") {
    for (const rule of rules) {
      const chip = element("button", `chip rule${rule.enabled ? "" : " off"}`, `Rules: ${rule.path}`);
      chip.title = rule.enabled
        ? `${rule.path} goes into the agent's instructions; click to leave it out`
        : `Click to use ${rule.path}`;
      chip.addEventListener("click", () => post({ type: "toggleRule", path: rule.path }));
      chips.append(chip);
    }
    if (readOnly) chips.append(element("span", "chip read-only", "Read-only: the workspace is not trusted"));
  }
  const add = element("button", "chip-add", "@ Add file…");
  add.addEventListener("click", () => post({ type: "pickContext" }));
  chips.append(add);
}

function renderState(
  conversation: Conversation,
  list: Array<{ id: string; title: string }>,
  problemInfo?: { message: string; setting?: string; download?: boolean },
): void {
  streaming = undefined;
  streamingNode = undefined;
  messages.replaceChildren(...conversation.turns.map((turn, index) => renderTurn(turn, index)));
  if (conversation.turns.length === 0 && !problemInfo) {
    messages.append(
      element("div", "empty", "Ask about your code. The selection and the active file are attached; @ adds more files."),
    );
  }
  messages.scrollTop = messages.scrollHeight;
  history.replaceChildren(
    ...list.map((item) => {
      const option = element("option", undefined, item.title || "New chat");
      option.value = item.id;
      option.selected = item.id === conversation.id;
      return option;
    }),
  );
  problem.replaceChildren();
  problem.hidden = !problemInfo;
  if (problemInfo) {
    problem.append(element("span", undefined, problemInfo.message));
    if (problemInfo.download) {
      const download = element("button", undefined, "Download…");
      download.addEventListener("click", () => post({ type: "downloadModel" }));
      problem.append(download);
    }
    const setting = problemInfo.setting;
    if (setting) {
      const open = element("button", undefined, "Open Setting");
      open.addEventListener("click", () => post({ type: "openSetting", setting }));
      problem.append(open);
    }
  }
}

window.addEventListener("message", (event: MessageEvent<ExtensionToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case "state":
      renderState(message.conversation, message.history, message.problem);
      model.textContent = message.model ?? "";
      currentMode = message.mode;
      mode.value = message.mode;
      rules = message.rules;
      readOnly = message.readOnly;
      input.placeholder =
        message.mode === "agent"
          ? "Ask Hearth to do something… it reads, searches and proposes edits; you approve each change"
          : "Ask Hearth… (Enter to send, Shift+Enter for a new line, @ to add a file)";
      renderChips(message.context);
      setBusy(message.busy);
      break;
    case "delta":
      applyDelta(message.delta);
      break;
    case "tool":
      startStreaming().tools[message.index] = message.step;
      scheduleRender();
      break;
    case "context":
      renderChips(message.labels);
      break;
    case "notice":
      notice.textContent = message.text;
      notice.hidden = false;
      break;
  }
});

function send(): void {
  const text = input.value.trim();
  if (text === "" || busy) return;
  input.value = "";
  notice.hidden = true;
  post({ type: "send", text });
}

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key === "Escape" && busy) {
    event.preventDefault();
    post({ type: "stop" });
  }
});
input.addEventListener("input", () => {
  // "@" typed at the start or after a space opens the file picker, like mentions elsewhere.
  const value = input.value;
  if (value.endsWith("@") && (value.length === 1 || /\s@$/.test(value))) {
    input.value = value.slice(0, -1);
    post({ type: "pickContext" });
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && busy) post({ type: "stop" });
});
sendButton.addEventListener("click", () => (busy ? post({ type: "stop" }) : send()));
byId<HTMLButtonElement>("new-chat").addEventListener("click", () => post({ type: "newChat" }));
byId<HTMLButtonElement>("clear-history").addEventListener("click", () => post({ type: "deleteHistory" }));
history.addEventListener("change", () => post({ type: "openChat", id: history.value }));
mode.addEventListener("change", () => post({ type: "setMode", mode: mode.value === "agent" ? "agent" : "ask" }));

post({ type: "ready" });
