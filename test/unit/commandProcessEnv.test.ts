/**
 * An agent command's environment: on Windows cmd.exe runs a program found in the current folder ahead of PATH, so a
 * repository's `git.bat` would run for an allowed `git status`. Every command carries NoDefaultCurrentDirectoryInExePath=1,
 * which turns that off; this checks the variable really reaches the command's process.
 */
import { strict as assert } from "node:assert";
import { tmpdir } from "node:os";
import { commandEnvironment, startCommand } from "../../client/src/agent/commandProcess";

describe("an agent command's environment", function () {
  this.timeout(30_000);

  it("sets NoDefaultCurrentDirectoryInExePath=1, replacing any other spelling or value, and keeps the rest", () => {
    const env = commandEnvironment({ PATH: "/bin", nodefaultcurrentdirectoryinexepath: "0", FOO: "bar" });
    assert.deepEqual(env, { PATH: "/bin", FOO: "bar", NoDefaultCurrentDirectoryInExePath: "1" });
  });

  it("reaches the command's process through the shell", async () => {
    let output = "";
    const script = "console.log('value=' + process.env.NoDefaultCurrentDirectoryInExePath)";
    const run = startCommand(`"${process.execPath}" -e "${script}"`, {
      cwd: tmpdir(),
      env: { ...process.env, NoDefaultCurrentDirectoryInExePath: "0" },
      onOutput: (text) => {
        output += text;
      },
    });
    const exit = await run.exited;
    assert.equal(exit.exitCode, 0, output);
    assert.match(output, /value=1\b/);
  });
});
