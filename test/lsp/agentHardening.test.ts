/**
 * Agent hardening through the real language server: an untrusted workspace's rules files never reach the model (a
 * cloned repository's AGENTS.md is its text, placed where the model reads instructions), and a trusted one's are
 * labelled as the repository's, not the user's.
 */
import { strict as assert } from "node:assert";
import { harness } from "./agentHarness";

describe("agent hardening (scripted engine, real server)", function () {
  this.timeout(30_000);

  it("puts no rules file into the prompt of an untrusted workspace, and labels a trusted one's as the repository's", async () => {
    const h = await harness(() => ({ content: "done" }));
    try {
      const untrusted = await h.run("what does this project do?", { readOnly: true });
      const sent = JSON.stringify(h.engine.requests[0].messages);
      assert.doesNotMatch(sent, /Always run npm test|AGENTS\.md/);
      assert.deepEqual(untrusted.rules, []);
      assert.ok(!h.events.some((event) => event.kind === "rules"), "the view is not told of rules that weren't used");

      const trusted = await h.run("what does this project do?");
      const system = h.engine.requests[1].messages[0].content ?? "";
      assert.match(system, /Rules from AGENTS\.md in this repository \(not written by the user[^\n]*\n/);
      assert.doesNotMatch(system, /\(written by the user\)/);
      assert.deepEqual(trusted.rules, ["AGENTS.md"]);
    } finally {
      await h.stop();
    }
  });
});
