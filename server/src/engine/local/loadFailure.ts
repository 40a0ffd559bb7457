/**
 * Says why llama.cpp refused a model file, from the file itself: llama.cpp's own error is often just "Failed to load
 * model". The GGUF header tells an unsupported architecture from a damaged or incomplete file.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { EngineError } from "../engineError";
import { loadLlamaModule } from "./llamaRuntime";

const GIB = 1024 ** 3;

/** Whether node-llama-cpp or llama.cpp failed for want of memory (RAM or VRAM), by error class or message. */
export function isOutOfMemory(error: unknown): boolean {
  return (
    (error instanceof Error && error.name === "InsufficientMemoryError") ||
    /memory|VRAM|failed to allocate|too large/i.test(error instanceof Error ? error.message : String(error))
  );
}

export async function explainLoadFailure(path: string, error: unknown, setting: string): Promise<EngineError> {
  const name = basename(path);
  const cause = error instanceof Error ? error.message : String(error);
  const sizeGb = await stat(path).then(
    (info) => info.size / GIB,
    () => 0,
  );
  if (isOutOfMemory(error)) {
    return new EngineError(
      `Not enough memory to load ${name} (${sizeGb.toFixed(1)} GB): ${cause}`,
      "Close other programs that use memory, lower hearth.local.contextSize, or choose a smaller model or quantization (Hearth: Select Model… shows what fits).",
      setting,
    );
  }
  const llamaModule = await loadLlamaModule();
  const { readGgufFileInfo } = llamaModule;
  let architecture: string | undefined;
  let truncated = false;
  try {
    const info = await readGgufFileInfo(path);
    architecture = (info.metadata as { general?: { architecture?: string } }).general?.architecture;
    // The last tensor starts beyond the end of the file: an interrupted download whose header survived.
    const lastTensorStart = Math.max(0, ...(info.tensorInfo ?? []).map((tensor) => Number(tensor.offset)));
    truncated = sizeGb * GIB <= Number(info.infoEndOffset) + lastTensorStart;
  } catch {
    return new EngineError(
      `${name} is damaged or incomplete (its GGUF header can't be read): ${cause}`,
      "Download it again (an interrupted download leaves a partial file), or choose another model.",
      setting,
    );
  }
  // A const enum in the typings, but a real object at run time: the architectures this llama.cpp knows.
  const architectures = (llamaModule as unknown as { GgufArchitectureType: Record<string, string> }).GgufArchitectureType;
  const known = new Set<string>(Object.values(architectures));
  if (truncated) {
    return new EngineError(
      `${name} is damaged or incomplete: the file ends before its last tensor (${sizeGb.toFixed(2)} GB).`,
      "Download it again (an interrupted download leaves a partial file), or choose another model.",
      setting,
    );
  }
  if (architecture !== undefined && !known.has(architecture)) {
    return new EngineError(
      `${name} uses the model architecture “${architecture}”, which this version of llama.cpp doesn't support.`,
      "Choose a model with a supported architecture (Qwen2, Llama, DeepSeek, StarCoder2…), or update Hearth.",
      setting,
    );
  }
  return new EngineError(
    `Could not load ${name}${architecture ? ` (architecture ${architecture})` : ""}: ${cause}`,
    "The file may be damaged or incomplete; download it again or choose another model. The Hearth log has llama.cpp's messages.",
    setting,
  );
}
