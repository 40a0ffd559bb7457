import { strict as assert } from "node:assert";
import { remainderAfterTyping } from "../../client/src/shownSuggestion";
import { TypingPace } from "../../client/src/typingPace";

describe("adaptive debounce", () => {
  it("starts in the middle before it knows the typist", () => {
    assert.equal(new TypingPace().keystroke(0), 53);
  });

  it("waits longer for a fast typist and less for a slow one, within bounds", () => {
    const fast = new TypingPace();
    const slow = new TypingPace();
    let delayFast = 0;
    let delaySlow = 0;
    for (let i = 0; i < 10; i++) {
      delayFast = fast.keystroke(i * 120);
      delaySlow = slow.keystroke(i * 40);
    }
    assert.equal(delayFast, 60);
    assert.equal(delaySlow, 20);
    const glacial = new TypingPace();
    for (let i = 0; i < 10; i++) glacial.keystroke(i * 900);
    assert.equal(glacial.delayMs(), 90);
  });

  it("waits the least when answers come well before the next key, and as before when they don't", () => {
    const quickModel = new TypingPace();
    const slowModel = new TypingPace();
    for (let i = 0; i < 10; i++) {
      quickModel.keystroke(i * 200);
      quickModel.answered(40);
      slowModel.keystroke(i * 200);
      slowModel.answered(400);
    }
    assert.equal(quickModel.delayMs(), 15);
    assert.equal(slowModel.delayMs(), 90);
  });

  it("does not count a pause as a typing gap", () => {
    const pace = new TypingPace();
    for (let i = 0; i < 5; i++) pace.keystroke(i * 100);
    const before = pace.delayMs();
    pace.keystroke(400 + 30_000);
    assert.equal(pace.delayMs(), before);
  });
});

describe("typing through a shown suggestion", () => {
  const shown = { uri: "file:///a.ts", line: 3, linePrefix: "  ret", text: "urn a+b;" };

  it("shows the rest of the suggestion when the typed characters match it", () => {
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 3, "  retur"), "n a+b;");
  });

  it("asks the model again when the typing diverges", () => {
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 3, "  retx"), undefined);
  });

  it("asks the model again on another line, another file, after deleting, or once the suggestion is used up", () => {
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 4, "  retu"), undefined);
    assert.equal(remainderAfterTyping(shown, "file:///b.ts", 3, "  retu"), undefined);
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 3, "  re"), undefined);
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 3, "  return a+b;"), undefined);
    assert.equal(remainderAfterTyping(shown, "file:///a.ts", 3, "  ret"), undefined);
  });
});
