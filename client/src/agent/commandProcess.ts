/**
 * An agent command as a process: started through the platform's shell, its output passed on as it comes, and ended
 * with its whole process tree. Killing only the shell (`child.kill()`) would leave what it started running: a dev
 * server, the second half of `a; b`, a `sleep 100 &`, a watcher. On POSIX the shell leads a process group of its own
 * (`detached`) and the group is signalled: SIGTERM, then SIGKILL after a short grace for whatever is still there.
 * On Windows `taskkill /T /F` ends the tree. No `vscode` import, so unit tests run it.
 *
 * On Windows the shell is cmd.exe, which looks for a program in the current folder before PATH: an allowed
 * `git status` would run the repository's own `git.bat`. NoDefaultCurrentDirectoryInExePath turns that off (Windows
 * reads it from the environment; elsewhere it means nothing), so every command gets it.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** How long the tree gets to exit on SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 2_000;

export interface CommandExit {
  /** The shell's exit code; undefined when it was ended by a signal. */
  exitCode: number | undefined;
  /** Why it could not start, when it could not (exit code 127). */
  error?: string;
}

export interface CommandProcess {
  /** The shell's process id (on POSIX also its process group's id); undefined when it failed to start. */
  readonly pid: number | undefined;
  /** Settles once, when the shell has exited and its output streams are closed, or when it failed to start. */
  readonly exited: Promise<CommandExit>;
  /** Ends the shell and everything it started (SIGTERM now, SIGKILL after KILL_GRACE_MS for what is left). */
  killTree(): void;
}

export interface CommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each chunk of stdout or stderr as it comes, as text. */
  onOutput: (text: string) => void;
  /** For tests: the platform whose kill to use. */
  platform?: NodeJS.Platform;
}

/** The variable that stops cmd.exe from running programs found in the current folder ahead of PATH. */
export const NO_CURRENT_DIRECTORY_VARIABLE = "NoDefaultCurrentDirectoryInExePath";

/**
 * The environment a command runs with: the given one, with NoDefaultCurrentDirectoryInExePath set to 1 (replacing
 * any spelling of it in another case, as Windows' names are case-insensitive).
 */
export function commandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env))
    if (name.toLowerCase() !== NO_CURRENT_DIRECTORY_VARIABLE.toLowerCase()) result[name] = value;
  result[NO_CURRENT_DIRECTORY_VARIABLE] = "1";
  return result;
}

export function startCommand(command: string, options: CommandOptions): CommandProcess {
  const platform = options.platform ?? process.platform;
  const child = spawn(command, {
    cwd: options.cwd,
    shell: true,
    env: commandEnvironment(options.env),
    // Its own process group on POSIX, so that the group can be signalled; on Windows this would open a console.
    detached: platform !== "win32",
  });
  const take = (chunk: Buffer) => options.onOutput(chunk.toString());
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<CommandExit>((resolve) => {
    child.on("error", (error) => resolve({ exitCode: 127, error: error.message }));
    child.on("close", (code) => resolve({ exitCode: code ?? undefined }));
  });
  return { pid: child.pid, exited, killTree: () => killProcessTree(child, platform) };
}

function killProcessTree(child: ChildProcess, platform: NodeJS.Platform): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (platform === "win32") {
    const killer = spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { windowsHide: true, stdio: "ignore" });
    killer.on("error", () => child.kill());
    return;
  }
  if (!signalGroup(pid, "SIGTERM")) return;
  const followUp = setTimeout(() => {
    if (signalGroup(pid, 0)) signalGroup(pid, "SIGKILL");
  }, KILL_GRACE_MS);
  followUp.unref();
}

/** Signals a whole process group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
