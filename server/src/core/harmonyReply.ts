/**
 * A reply in OpenAI's harmony format (gpt-oss), split into thought and answer. The model writes messages on
 * channels: `<|channel|>analysis<|message|>…<|end|>` is its reasoning, `<|channel|>final<|message|>…` the answer,
 * and a later message restates its role first (`<|start|>assistant<|channel|>final…`). `commentary` without a
 * recipient is a preamble meant for the user (harmony's spec), so it joins the answer; a message addressed to a tool
 * (`to=functions.x`, in the role's part of the header or the channel's) is a call, never text. A message also ends
 * where the next begins, since `<|end|>` may not be rendered at all.
 *
 * The markers are given: the engine reads them from the generated token ids and writes each as a character of its
 * own (HARMONY_SENTINELS), so an answer that spells `<|start|>` as text (code about the format) stays text. The
 * spellings (HARMONY_SPELLINGS) serve where only text is known. Pure, over the whole reply so far.
 */
import type { ReasoningSplit } from "./reasoning";

export interface HarmonyMarkers {
  start: string;
  channel: string;
  message: string;
  end: string;
  constrain: string;
}

export const HARMONY_SPELLINGS: HarmonyMarkers = {
  start: "<|start|>",
  channel: "<|channel|>",
  message: "<|message|>",
  end: "<|end|>",
  constrain: "<|constrain|>",
};

/** One private-use character per marker token, as the engine writes them into the reply's text. */
export const HARMONY_SENTINELS: HarmonyMarkers = {
  start: "\uE000",
  channel: "\uE001",
  message: "\uE002",
  end: "\uE003",
  constrain: "\uE004",
};

interface HarmonyMessage {
  channel: string;
  /** Whether the header names a recipient (`to=…`): a tool call, not text. */
  addressed: boolean;
  body: string;
  /** Whether its end (`<|end|>`, or another message after it) has been seen. */
  ended: boolean;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The messages in `raw`, in order. */
function harmonyMessages(raw: string, markers: HarmonyMarkers): HarmonyMessage[] {
  const { start, channel: channelMarker, message, end, constrain } = markers;
  const messages: HarmonyMessage[] = [];
  const starts = [...raw.matchAll(new RegExp(`${escaped(start)}|${escaped(channelMarker)}`, "g"))].map((match) => match.index);
  // The prompt ends `<|start|>assistant`, so the reply may go on with the role's header (` to=functions.x<|channel|>…`);
  // text before any header that isn't one (a model that skipped the channel) is the answer.
  const lead = raw.slice(0, starts[0] ?? raw.length);
  const leadIsHeader = /^\s*to=/.test(lead);
  if (!leadIsHeader && lead.trim() !== "")
    messages.push({ channel: "final", addressed: false, body: lead, ended: starts.length > 0 });
  let headerFrom: number | undefined = leadIsHeader ? 0 : undefined;
  for (let i = 0; i < starts.length; i++) {
    const from = headerFrom ?? starts[i];
    const to = starts[i + 1] ?? raw.length;
    const text = raw.slice(from, to);
    const bodyAt = text.indexOf(message);
    // A role restated before its channel is one header with it (`<|start|>assistant to=functions.x<|channel|>…`);
    // only the latest role counts, so a run of bare `<|start|>` costs nothing.
    headerFrom = bodyAt === -1 && raw.startsWith(start, starts[i]) ? starts[i] : undefined;
    if (bodyAt === -1) continue;
    const header = text.slice(0, bodyAt);
    const channelAt = header.indexOf(channelMarker);
    const named = channelAt === -1 ? "" : header.slice(channelAt + channelMarker.length).trim();
    const channel = named === "" ? "final" : named.split(new RegExp(`[\\s<]|${escaped(constrain)}`))[0];
    let body = text.slice(bodyAt + message.length);
    const endAt = body.indexOf(end);
    if (endAt !== -1) body = body.slice(0, endAt);
    messages.push({ channel, addressed: /\bto=/.test(header), body, ended: endAt !== -1 || i + 1 < starts.length });
  }
  return messages;
}

export function splitHarmony(raw: string, markers: HarmonyMarkers = HARMONY_SPELLINGS): ReasoningSplit {
  const messages = harmonyMessages(raw, markers);
  const thoughts: string[] = [];
  const answers: string[] = [];
  for (const message of messages) {
    if (message.addressed) continue;
    const text = message.body.trim();
    if (text === "") continue;
    (message.channel === "analysis" ? thoughts : answers).push(text);
  }
  const last = messages.at(-1);
  const thinking = last !== undefined && last.channel === "analysis" && !last.addressed && !last.ended;
  return { thought: thoughts.join("\n\n"), answer: answers.join("\n\n"), thinking };
}
