/**
 * A reply in OpenAI's harmony format (gpt-oss), split into thought and answer. The model writes messages on
 * channels: `<|channel|>analysis<|message|>…<|end|>` is its reasoning, `<|channel|>final<|message|>…` the answer,
 * and a later message restates its role first (`<|start|>assistant<|channel|>final…`). `commentary` without a
 * recipient is a preamble meant for the user (harmony's spec), so it joins the answer; a tool call
 * (`commentary to=functions.x`) is never text. llama.cpp renders `<|channel|>`, `<|message|>`, `<|start|>` and
 * `<|constrain|>` as text; `<|end|>` may come out as text or not at all, so a message also ends where the next begins.
 * Pure, over the whole text so far, like splitReasoning.
 */
import type { ReasoningSplit } from "./reasoning";

const START = "<|start|>";
const CHANNEL = "<|channel|>";
const MESSAGE = "<|message|>";
const END = "<|end|>";
/** Where a message's header starts: a role restated, or a channel without one. */
const HEADER = /<\|start\|>|<\|channel\|>/g;

interface HarmonyMessage {
  channel: string;
  /** Whether the header names a recipient (`to=…`): a tool call, not text. */
  addressed: boolean;
  body: string;
  /** Whether its end (`<|end|>`, or another message after it) has been seen. */
  ended: boolean;
}

/** The messages in `raw`, in order. */
function harmonyMessages(raw: string): HarmonyMessage[] {
  const messages: HarmonyMessage[] = [];
  const starts = [...raw.matchAll(HEADER)].map((match) => match.index);
  // Text before any header (a model that skipped the channel) is the answer.
  const lead = raw.slice(0, starts[0] ?? raw.length);
  if (lead.trim() !== "") messages.push({ channel: "final", addressed: false, body: lead, ended: starts.length > 0 });
  let headerFrom: number | undefined;
  for (let i = 0; i < starts.length; i++) {
    const from = headerFrom ?? starts[i];
    const to = starts[i + 1] ?? raw.length;
    const text = raw.slice(from, to);
    const bodyAt = text.indexOf(MESSAGE);
    // A role restated before its channel is one header with it (`<|start|>assistant to=functions.x<|channel|>…`).
    headerFrom = bodyAt === -1 && raw.startsWith(START, starts[i]) ? from : undefined;
    if (bodyAt === -1) continue;
    const header = text.slice(0, bodyAt);
    const channelAt = header.indexOf(CHANNEL);
    const channel =
      channelAt === -1
        ? "final"
        : header
            .slice(channelAt + CHANNEL.length)
            .trim()
            .split(/[\s<]/)[0];
    let body = text.slice(bodyAt + MESSAGE.length);
    const endAt = body.indexOf(END);
    if (endAt !== -1) body = body.slice(0, endAt);
    messages.push({ channel, addressed: /\bto=/.test(header), body, ended: endAt !== -1 || i + 1 < starts.length });
  }
  return messages;
}

export function splitHarmony(raw: string): ReasoningSplit {
  const messages = harmonyMessages(raw);
  const thoughts: string[] = [];
  const answers: string[] = [];
  for (const message of messages) {
    if (message.addressed) continue;
    const text = message.body.trim();
    if (text === "") continue;
    (message.channel === "analysis" ? thoughts : answers).push(text);
  }
  const last = messages.at(-1);
  const thinking = last !== undefined && last.channel === "analysis" && !last.ended;
  return { thought: thoughts.join("\n\n"), answer: answers.join("\n\n"), thinking };
}
