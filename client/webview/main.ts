/**
 * The chat view's page. It holds no state of its own worth keeping: the extension sends the conversation on
 * `ready` and after every change, and streams deltas while a reply is generated.
 */
import createDOMPurify from "dompurify";
import type { ChatDelta, ChatTurn, Conversation, ExtensionToWebview } from "../../server/src/shared/chatProtocol";
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

let busy = false;
let streaming: { thought: string; answer: string; started: number } | undefined;
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

function renderTurn(turn: ChatTurn): HTMLElement {
  const node = element("div", `turn ${turn.role}`);
  if (turn.context && turn.context.length > 0) node.append(element("div", "turn-context", `Context: ${turn.context.join(", ")}`));
  if (turn.thought) node.append(renderThought(turn.thought, turn.thoughtMs, false));
  const body = element("div", "markdown");
  body.innerHTML = render(turn.content);
  addCodeActions(body);
  node.append(body);
  if (turn.note) node.append(element("div", "turn-note", turn.note));
  return node;
}

function renderStreaming(): void {
  renderScheduled = false;
  if (!streaming || !streamingNode) return;
  streamingNode.replaceChildren();
  const elapsed = performance.now() - streaming.started;
  if (streaming.thought) streamingNode.append(renderThought(streaming.thought, elapsed, streaming.answer === ""));
  const body = element("div", "markdown");
  body.innerHTML = render(streaming.answer);
  streamingNode.append(body);
  messages.scrollTop = messages.scrollHeight;
}

function applyDelta(delta: ChatDelta): void {
  if (!streaming) {
    streaming = { thought: "", answer: "", started: performance.now() };
    streamingNode = element("div", "turn assistant streaming");
    messages.append(streamingNode);
  }
  if (delta.kind === "reset") {
    streaming.thought = delta.thought;
    streaming.answer = delta.answer;
  } else if (delta.kind === "thought") streaming.thought += delta.text;
  else streaming.answer += delta.text;
  // Render at most once a frame, however fast tokens come.
  if (!renderScheduled) {
    renderScheduled = true;
    requestAnimationFrame(renderStreaming);
  }
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
  messages.replaceChildren(...conversation.turns.map(renderTurn));
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
      renderChips(message.context);
      setBusy(message.busy);
      break;
    case "delta":
      applyDelta(message.delta);
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

post({ type: "ready" });
