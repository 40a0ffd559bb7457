/**
 * search_code with a hostile regular expression, through the real language server: the model's `/(a+)+$/` over a
 * line of 50,000 `a`s and a `b` (exponential for a backtracking engine) must neither hold the server's one thread
 * (other requests keep being answered while the turn runs) nor keep the turn from ending with the right answer.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toolResultsIn } from "../fixtures/scriptedToolEngine";
import { call, harness } from "./agentHarness";

describe("agent mode: search_code's regular expressions", function () {
  this.timeout(30_000);

  it("/(a+)+$/ over a 50,000-character line: the server keeps answering and the turn ends", async () => {
    const h = await harness((request) =>
      toolResultsIn(request) === 0 ? call("search_code", { query: "/(a+)+$/" }) : { content: "done" },
    );
    try {
      writeFileSync(join(h.folder, "src", "long.txt"), `${"a".repeat(50_000)}b\n`);
      writeFileSync(join(h.folder, "src", "short.txt"), "x\naaaa\n");
      let finished = false;
      const turn = h.run("find the runs of a").finally(() => {
        finished = true;
      });
      // Another request, again and again until the turn ends: each must be answered promptly, even those sent
      // after the tool call began (a blocked thread answers none of them, and the turn never ends).
      const latencies: number[] = [];
      let afterToolCall = 0;
      while (!finished) {
        const sent = performance.now();
        const calling = h.events.some((event) => event.kind === "toolCall");
        await h.client.engineLoad();
        latencies.push(performance.now() - sent);
        if (calling) afterToolCall++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const result = await turn;
      assert.equal(result.stopReason, "done");
      assert.equal(result.steps.length, 1);
      const found = result.steps[0].result.content;
      assert.equal(found.split("\n").slice(0, 2).join("\n"), "1 matching line:\nsrc/short.txt:2: aaaa", found);
      assert.ok(afterToolCall > 0, "no request was sent while the search ran");
      assert.ok(Math.max(...latencies) < 1_000, `a request waited ${Math.round(Math.max(...latencies))} ms`);
    } finally {
      await h.stop();
    }
  });

  it("a backreference is refused with a reason the model can act on, and the turn goes on", async () => {
    const h = await harness((request) =>
      toolResultsIn(request) === 0 ? call("search_code", { query: "/(a)\\1/" }) : { content: "done" },
    );
    try {
      const result = await h.run("find doubled letters");
      assert.equal(result.stopReason, "done");
      assert.ok(result.steps[0].result.isError);
      assert.match(result.steps[0].result.content, /backreference \\1 is not supported.*Search again without them/s);
    } finally {
      await h.stop();
    }
  });
});
