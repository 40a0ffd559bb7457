import { strict as assert } from "node:assert";
import { type VocabularyView, vocabularyMismatch } from "../../server/src/core/draftVocabulary";
import { DRAFT_LENGTH, DraftLength, lookupDraft, verifyDraft } from "../../server/src/core/speculativeDrafts";

describe("speculation (pure)", () => {
  describe("verifyDraft", () => {
    it("keeps drafted tokens while each is the target's choice, then takes the target's own next token", () => {
      assert.deepEqual(verifyDraft([5, 6, 7], [5, 6, 9, 1]), { accepted: 2, next: 9 });
      assert.deepEqual(verifyDraft([5, 6, 7], [5, 6, 7, 8]), { accepted: 3, next: 8 }, "a whole draft and one more");
      assert.deepEqual(verifyDraft([5], [4, 5]), { accepted: 0, next: 4 }, "a later match doesn't count after a miss");
      assert.deepEqual(verifyDraft([], [3]), { accepted: 0, next: 3 }, "no draft: one plain step");
    });

    it("refuses a verification that isn't one choice per position plus one", () => {
      assert.throws(() => verifyDraft([1, 2], [1, 2]));
    });
  });

  describe("lookupDraft", () => {
    it("continues the latest earlier occurrence of the last tokens", () => {
      // ... 1 2 3 4 | ... 1 2 3 9 | ... 1 2 3 → the latest match (followed by 9) wins.
      assert.deepEqual(lookupDraft([1, 2, 3, 4, 0, 1, 2, 3, 9, 8, 0, 1, 2, 3], 3), [9, 8, 0]);
    });

    it("prefers a longer match to a later shorter one", () => {
      // The last 4 tokens [7,1,2,3] occur once, early; [2,3] also occurs later, followed by 5.
      assert.deepEqual(lookupDraft([7, 1, 2, 3, 4, 4, 2, 3, 5, 7, 1, 2, 3], 2), [4, 4]);
    });

    it("drafts nothing without a match of at least two tokens, and never past the end", () => {
      assert.deepEqual(lookupDraft([1, 2, 3, 4, 5, 3], 4), [], "a single-token match is too weak");
      assert.deepEqual(lookupDraft([1, 2, 9, 1, 2], 8), [9, 1, 2], "stops at the history's end");
      assert.deepEqual(lookupDraft([1, 2, 1, 2], 0), []);
      assert.deepEqual(lookupDraft([], 4), []);
    });
  });

  describe("DraftLength", () => {
    it("doubles after a whole draft is kept, up to the longest, and shortens to just past a partial one", () => {
      const length = new DraftLength();
      assert.equal(length.next(), DRAFT_LENGTH.initial);
      length.record(4, 4);
      assert.equal(length.next(), 8);
      length.record(8, 8);
      length.record(16, 16);
      assert.equal(length.next(), DRAFT_LENGTH.longest);
      length.record(16, 5);
      assert.equal(length.next(), 6);
    });

    it("grows as far as a caller allows (a rewrite's copies verify 64 tokens at once)", () => {
      const length = new DraftLength(4, 64);
      for (const drafted of [4, 8, 16, 32]) length.record(drafted, drafted);
      assert.equal(length.next(), 64);
      length.record(64, 64);
      assert.equal(length.next(), 64, "never past the longest");
      length.record(64, 40);
      assert.equal(length.next(), 41);
    });

    it("pauses drafting after refused rounds, for longer each time, until a draft is kept again", () => {
      const length = new DraftLength();
      const pausedFor = () => {
        let plain = 0;
        while (length.next() === 0 && plain < 1000) {
          length.advance(1);
          plain++;
        }
        return plain;
      };
      length.record(4, 0);
      assert.equal(length.next(), DRAFT_LENGTH.shortest, "one refused round only shortens the draft");
      length.record(2, 0);
      assert.equal(pausedFor(), 8);
      length.record(2, 0);
      length.record(2, 0);
      assert.equal(pausedFor(), 16, "the next pause is twice as long");
      length.record(2, 1);
      length.record(2, 0);
      length.record(2, 0);
      assert.equal(pausedFor(), 8, "a kept token resets the pause");
    });

    it("pauses at once when the draft model was unsure of its first guess, for longer each time", () => {
      const length = new DraftLength();
      length.unsure();
      assert.equal(length.next(), 0, "paused");
      length.advance(7);
      assert.equal(length.next(), 0);
      length.advance(1);
      assert.equal(length.next(), DRAFT_LENGTH.initial, "the length it had");
      length.unsure();
      length.advance(8);
      assert.equal(length.next(), 0, "the second pause is longer");
    });

    it("doubles the length asked when a short draft (cut by its source) was kept whole", () => {
      const length = new DraftLength();
      length.record(2, 2, 4);
      assert.equal(length.next(), 8);
    });

    it("ignores rounds that drafted nothing", () => {
      const length = new DraftLength();
      length.record(0, 0);
      length.record(0, 0);
      assert.equal(length.next(), DRAFT_LENGTH.initial);
    });
  });

  describe("vocabularyMismatch", () => {
    const words = ["a", "b", "c", "<|end|>"];
    const view = (overrides: Partial<VocabularyView> = {}): VocabularyView => ({
      name: "m.gguf",
      type: "bpe",
      size: words.length,
      bos: null,
      eos: 3,
      eot: 3,
      addsBos: false,
      text: (id) => words[id] ?? `[PAD${id}]`,
      ...overrides,
    });

    it("accepts the same vocabulary, padded by up to 128 tokens", () => {
      assert.equal(vocabularyMismatch(view(), view({ name: "d.gguf" })), undefined);
      assert.equal(vocabularyMismatch(view({ size: words.length + 128 }), view()), undefined);
    });

    it("names what differs", () => {
      assert.match(vocabularyMismatch(view(), view({ type: "spm" })) ?? "", /tokenizer spm vs bpe/);
      assert.match(vocabularyMismatch(view({ size: 200 }), view()) ?? "", /4 tokens vs 200/);
      assert.match(vocabularyMismatch(view(), view({ eos: 2 })) ?? "", /EOS token 2 vs 3/);
      assert.match(vocabularyMismatch(view(), view({ addsBos: true })) ?? "", /BOS/);
      const other = view({ name: "d.gguf", text: (id) => (id === 2 ? "x" : words[id]) });
      assert.match(
        vocabularyMismatch(view(), other) ?? "",
        /The draft model d\.gguf can't draft for m\.gguf.*token 2 is "x" vs "c"/,
      );
    });
  });
});
