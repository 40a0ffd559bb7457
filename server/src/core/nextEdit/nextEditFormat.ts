/**
 * Which prompt format a next-edit model speaks, recognised from its vocabulary and its name (hearth.nextEdit.format
 * `auto`). Pure: the engines pass what they know of the model.
 *
 * - Zeta 2 (Zed's zed-industries/zeta-2.1, a Seed-Coder-8B fine-tune): its name says zeta, or its vocabulary has
 *   Seed-Coder's three FIM tokens. Sweep's models are Qwen2.5-Coder fine-tunes, whose vocabulary has none of them.
 * - Sweep (sweepai/sweep-next-edit-*): the vocabulary has Qwen's `<|file_sep|>`, or the name says sweep.
 */
import type { NextEditFormatName } from "../../shared/protocol";
import { SWEEP_FILE_SEP } from "./sweepPrompt";
import { ZETA2_FIM } from "./zeta2Prompt";

export type NextEditPromptFormat = NextEditFormatName;

export interface NextEditModelFacts {
  /** The model's file name or the name a server gives it. */
  name: string;
  /** Whether the vocabulary has a special token spelled exactly so; undefined where it can't be asked. */
  hasSpecialToken?: (spelling: string) => boolean;
}

export function recogniseNextEditFormat(model: NextEditModelFacts): NextEditPromptFormat | undefined {
  if (/zeta/i.test(model.name)) return "zeta2";
  const has = model.hasSpecialToken;
  if (has && [ZETA2_FIM.suffix, ZETA2_FIM.prefix, ZETA2_FIM.middle].every((token) => has(token))) return "zeta2";
  if (has?.(SWEEP_FILE_SEP)) return "sweep";
  if (/sweep/i.test(model.name)) return "sweep";
  return undefined;
}
