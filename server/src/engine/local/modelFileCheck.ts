/**
 * Checks a model path before handing it to llama.cpp, so the common mistakes get a message that says what to do
 * instead of a native error.
 */
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { EngineError } from "../engineError";

/**
 * @param role "completion" or "chat", for the messages
 * @param SETTING the setting that names the file, so the error can point at it
 */
export async function checkModelFile(path: string, role: string, SETTING: string): Promise<void> {
  if (path === "") {
    throw new EngineError(`No ${role} model is set.`, `Set ${SETTING} to the path of a .gguf file.`, SETTING);
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new EngineError(`The model path is not a file: ${path}`, `Point ${SETTING} at a .gguf file.`, SETTING);
    size = info.size;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new EngineError(`Model file not found: ${path}`, `Check the path in ${SETTING}.`, SETTING);
    throw new EngineError(
      `Can't read the model file ${path} (${code ?? String(error)}).`,
      "Check the file's permissions or choose another model.",
      SETTING,
    );
  }
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new EngineError(
      `Can't open the model file ${path} (${error.code}).`,
      "Check the file's permissions or choose another model.",
      SETTING,
    );
  });
  try {
    const header = Buffer.alloc(4);
    const { bytesRead } = await handle.read(header, 0, 4, 0);
    const magic = header.subarray(0, bytesRead).toString("latin1");
    if (magic !== "GGUF") {
      const looksLikeHtml = /^\s*</.test(magic);
      throw new EngineError(
        `${basename(path)} is not a GGUF model${looksLikeHtml ? " (it looks like an HTML page, perhaps a failed download)" : ""}.`,
        "Download the model again, or choose a .gguf file.",
        SETTING,
      );
    }
    if (size < 64) throw new EngineError(`${basename(path)} is truncated (${size} bytes).`, "Download the model again.", SETTING);
  } finally {
    await handle.close();
  }
}
