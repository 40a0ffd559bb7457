/**
 * Which catalog models fit this machine, and which to recommend per role. Pure: the hardware is passed in.
 */
import type { Hardware } from "../shared/protocol";
import { CATALOG, type CatalogEntry } from "./catalog";

export type Fit = "gpu" | "partial" | "cpu" | "too-large";

/** Memory a model needs beyond its file: the KV cache and compute buffers of a 4k context, roughly. */
const OVERHEAD = 1.15;
const CONTEXT_BYTES = 600 * 2 ** 20;
const EMBEDDING_CONTEXT_BYTES = 64 * 2 ** 20;
/** On the CPU, completion must stay fast: larger FIM models make every suggestion wait. */
const CPU_COMPLETION_MAX_PARAMETERS = 1.5;
const CPU_CHAT_MAX_PARAMETERS = 7;

/** On the CPU speed caps the choice; a mixture-of-experts model runs at its active parameters' speed, not its total's. */
export function runsFastOnCpu(entry: Pick<CatalogEntry, "role" | "parameters" | "activeParameters">): boolean {
  const cap = entry.role === "completion" ? CPU_COMPLETION_MAX_PARAMETERS : CPU_CHAT_MAX_PARAMETERS;
  return (entry.activeParameters ?? entry.parameters) <= cap;
}

/**
 * Memory a model needs: the file's own estimate where it is downloaded (`measured`, from its GGUF header, which
 * knows mixture-of-experts layouts and sliding-window caches), else the catalog size plus a typical overhead.
 */
export function memoryNeeded(entry: CatalogEntry, measured?: number): number {
  // An embedder's context is small (2k tokens, no generation): its weights are nearly all it needs.
  const context = entry.role === "embedding" ? EMBEDDING_CONTEXT_BYTES : CONTEXT_BYTES;
  return measured ?? entry.sizeBytes * OVERHEAD + context;
}

export function fitOf(entry: CatalogEntry, hardware: Hardware, usedVram = 0, usedRam = 0, measured?: number): Fit {
  const need = memoryNeeded(entry, measured);
  const vram = hardware.backend === "cpu" ? 0 : hardware.freeVramBytes - usedVram;
  const ram = hardware.freeRamBytes - usedRam;
  if (need <= vram) return "gpu";
  if (vram > 0 && need <= vram + ram * 0.5) return "partial";
  if (need <= ram * 0.7) return "cpu";
  return "too-large";
}

export interface Recommendation {
  completion?: CatalogEntry;
  chat?: CatalogEntry;
  /** The chat model fits only alone: it is loaded when chat is used, and the completion model may be unloaded. */
  chatOnDemand: boolean;
}

function largestFitting(
  role: CatalogEntry["role"],
  hardware: Hardware,
  usedVram: number,
  usedRam: number,
  acceptable: Fit[],
): CatalogEntry | undefined {
  const cpuCap = role === "completion" ? CPU_COMPLETION_MAX_PARAMETERS : CPU_CHAT_MAX_PARAMETERS;
  return (
    CATALOG.filter((entry) => entry.role === role && entry.autoPick !== false)
      // On the CPU speed is what caps the choice, and a mixture-of-experts model runs at its active parameters' speed.
      .filter((entry) => hardware.backend !== "cpu" || (entry.activeParameters ?? entry.parameters) <= cpuCap)
      .filter((entry) => acceptable.includes(fitOf(entry, hardware, usedVram, usedRam)))
      .sort((a, b) => b.parameters - a.parameters || a.sizeBytes - b.sizeBytes)[0]
  );
}

/** The largest completion model that fits, then the largest chat model that fits beside it (or alone, on demand). */
export function recommend(hardware: Hardware): Recommendation {
  const onGpu: Fit[] = hardware.backend === "cpu" ? ["cpu"] : ["gpu"];
  // Completion gets a quarter of the GPU at most, so the chat model has room beside it.
  const completionBudget: Hardware =
    hardware.backend === "cpu" ? hardware : { ...hardware, freeVramBytes: hardware.freeVramBytes / 2.5 };
  const completion =
    largestFitting("completion", completionBudget, 0, 0, onGpu) ??
    largestFitting("completion", hardware, 0, 0, ["gpu", "partial", "cpu"]);
  const usedVram = completion && hardware.backend !== "cpu" ? memoryNeeded(completion) : 0;
  const usedRam = completion && hardware.backend === "cpu" ? memoryNeeded(completion) : 0;
  const together = largestFitting("chat", hardware, usedVram, usedRam, onGpu);
  if (together) return { completion, chat: together, chatOnDemand: false };
  const alone = largestFitting("chat", hardware, 0, 0, [...onGpu, "partial", "cpu"]);
  return { completion, chat: alone, chatOnDemand: alone !== undefined };
}

/**
 * Whether `draft` fits beside `target` (hearth.chat.draftModel `auto`): with the target's memory taken, the draft
 * must fit too, and on the GPU when the target runs there (a draft on the CPU beside a GPU target would make every
 * guess slower than the target's own token). `usedVram`/`usedRam`: what other models (completion) already take.
 */
export function draftFits(target: CatalogEntry, draft: CatalogEntry, hardware: Hardware, usedVram = 0, usedRam = 0): boolean {
  const targetFit = fitOf(target, hardware, usedVram, usedRam);
  if (targetFit === "too-large") return false;
  const onGpu = targetFit === "gpu";
  const need = memoryNeeded(target);
  const draftFit = fitOf(draft, hardware, usedVram + (onGpu ? need : 0), usedRam + (onGpu ? 0 : need));
  return onGpu ? draftFit === "gpu" : draftFit !== "too-large";
}
