/**
 * Entry point VS Code loads in the extension host (`--extensionTestsPath`): runs the suite with mocha.
 * The files are bundled into one (dist-test/extension-host.js), so each is registered here explicitly.
 */
import Mocha from "mocha";

export function run(): Promise<void> {
  // HEARTH_EXTENSION_TESTS_GREP runs only the matching tests (one while working on it; the launcher passes it on).
  const mocha = new Mocha({ ui: "bdd", timeout: 60_000, color: false, grep: process.env.HEARTH_EXTENSION_TESTS_GREP });
  mocha.suite.emit("pre-require", globalThis, "extension-host", mocha);
  require("./extension.test");
  require("./lm.test");
  require("./vscodeChat.test");
  require("./nextEdit.test");
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
