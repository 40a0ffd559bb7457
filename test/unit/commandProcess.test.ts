/**
 * An agent command's process tree: killing it (Stop, the timeout, closing its terminal) must end everything the
 * command started, not only the shell: background jobs, the rest of a list, a grandchild that ignores SIGTERM.
 * Output and exit codes come back as before.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandProcess, KILL_GRACE_MS, startCommand } from "../../client/src/agent/commandProcess";

/** Gone: no such process, or (where nothing reaps orphans) only its zombie is left. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /s, "")
      .startsWith("Z");
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function start(command: string): { run: CommandProcess; output: () => string } {
  let output = "";
  const run = startCommand(command, { cwd: tmpdir(), env: { ...process.env }, onOutput: (text) => (output += text) });
  return { run, output: () => output };
}

describe("an agent command's process", function () {
  this.timeout(30_000);
  if (process.platform === "win32") return;
  const running: CommandProcess[] = [];

  afterEach(() => {
    // A failed test must not leave its sleeps behind.
    for (const run of running.splice(0)) if (run.pid) tryKill(-run.pid, "SIGKILL");
  });

  it("is killed with everything it started: background jobs and a grandchild that ignores SIGTERM", async () => {
    // Two background sleeps, and a shell that ignores SIGTERM (as does its own sleep, which inherits that).
    const command =
      "sleep 300 & echo pid $!; sleep 300 & echo pid $!; " +
      "sh -c 'trap \"\" TERM; echo pid $$; sleep 300 & echo pid $!; wait' & echo pid $!; echo started; wait";
    const { run, output } = start(command);
    running.push(run);
    const pids = () => [...output().matchAll(/^pid (\d+)$/gm)].map((match) => Number(match[1]));
    await waitFor(
      () => pids().length === 5 && output().includes("started"),
      10_000,
      () => output(),
    );
    const tree = [run.pid ?? 0, ...new Set(pids())];
    assert.ok(
      tree.every((pid) => pid > 0 && !isGone(pid)),
      `all running first: ${tree}`,
    );

    const killedAt = Date.now();
    run.killTree();
    await waitFor(
      () => tree.every(isGone),
      KILL_GRACE_MS + 8_000,
      () => `still running: ${tree.filter((pid) => !isGone(pid)).join(", ")}`,
    );
    assert.ok(Date.now() - killedAt >= KILL_GRACE_MS - 100, "the ones ignoring SIGTERM went only with the SIGKILL");
    assert.deepEqual(await run.exited, { exitCode: undefined }, "a shell ended by a signal has no exit code");
  });

  it("ends the command in the foreground (a dev server, a watcher), and the rest of the list never starts", async () => {
    const marker = join(tmpdir(), `hearth-after-kill-${process.pid}`);
    const { run, output } = start(`echo started; sh -c 'echo pid $$; exec sleep 300'; touch ${marker}`);
    running.push(run);
    await waitFor(
      () => /^pid \d+$/m.test(output()),
      10_000,
      () => output(),
    );
    const server = Number(/^pid (\d+)$/m.exec(output())?.[1]);
    run.killTree();
    await waitFor(
      () => isGone(server),
      KILL_GRACE_MS + 8_000,
      () => `the foreground command ${server} still runs`,
    );
    await run.exited;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.throws(() => readFileSync(marker), /ENOENT/);
  });

  it("passes output on as it comes, and gives the exit code", async () => {
    const { run, output } = start("echo out; echo err 1>&2; exit 3");
    assert.deepEqual(await run.exited, { exitCode: 3 });
    assert.match(output(), /out\n/);
    assert.match(output(), /err\n/);
    const ok = start("true");
    assert.deepEqual(await ok.run.exited, { exitCode: 0 });
  });

  it("says why it could not start (exit code 127)", async () => {
    let output = "";
    const run = startCommand("true", {
      cwd: join(tmpdir(), "no-such-folder-hearth"),
      env: process.env,
      onOutput: (t) => (output += t),
    });
    const exit = await run.exited;
    assert.equal(exit.exitCode, 127);
    assert.match(exit.error ?? "", /ENOENT/);
    assert.equal(output, "");
  });
});

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
