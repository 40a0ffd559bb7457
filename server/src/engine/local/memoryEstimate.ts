/**
 * What a model file really needs in memory, from its own GGUF header (node-llama-cpp's insights): the weights plus
 * a context of the size the fit assumes, with the full cache that sliding-window models keep (see modelSlot.ts).
 */
import { loadLlamaModule } from "./llamaRuntime";

/** The context the catalog's fit assumes for a model. */
export const FIT_CONTEXT_TOKENS = 4096;

/** Bytes the model and a FIT_CONTEXT_TOKENS context need fully on the GPU, or undefined when the file can't be read. */
export async function estimateMemoryBytes(path: string): Promise<number | undefined> {
  try {
    const { readGgufFileInfo, GgufInsights } = await loadLlamaModule();
    const insights = await GgufInsights.from(await readGgufFileInfo(path));
    const layers = insights.totalLayers;
    const model = insights.estimateModelResourceRequirements({ gpuLayers: layers });
    const context = insights.estimateContextResourceRequirements({
      contextSize: FIT_CONTEXT_TOKENS,
      modelGpuLayers: layers,
      swaFullCache: true,
    });
    return model.gpuVram + model.cpuRam + context.gpuVram + context.cpuRam;
  } catch {
    return undefined;
  }
}
