import { strict as assert } from "node:assert";
import { CrashPolicy } from "../../client/src/recovery/crashPolicy";

describe("crash policy", () => {
  const options = { maxCrashes: 3, windowMs: 60_000, firstDelayMs: 100, maxDelayMs: 300 };

  it("restarts with a doubling pause, capped", () => {
    const policy = new CrashPolicy(options);
    assert.deepEqual(policy.onCrash(0), { restart: true, delayMs: 100, recentCrashes: 1 });
    assert.deepEqual(policy.onCrash(1000), { restart: true, delayMs: 200, recentCrashes: 2 });
    assert.deepEqual(policy.onCrash(2000), { restart: true, delayMs: 300, recentCrashes: 3 });
  });

  it("gives up after too many deaths within the window", () => {
    const policy = new CrashPolicy(options);
    for (const time of [0, 1000, 2000]) policy.onCrash(time);
    assert.deepEqual(policy.onCrash(3000), { restart: false, recentCrashes: 4 });
  });

  it("forgets deaths older than the window, and everything after a restart by hand", () => {
    const policy = new CrashPolicy(options);
    for (const time of [0, 1000, 2000]) policy.onCrash(time);
    assert.deepEqual(policy.onCrash(61_500), { restart: true, delayMs: 200, recentCrashes: 2 });
    policy.reset();
    assert.deepEqual(policy.onCrash(62_000), { restart: true, delayMs: 100, recentCrashes: 1 });
  });
});
