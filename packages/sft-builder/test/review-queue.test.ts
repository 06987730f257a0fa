import { describe, expect, it } from "vitest";
import { ASSIGNMENT_TTL_MS, ReviewQueue } from "../src/index.js";
import { queuedSample } from "../src/testing.js";

function queueOf(n: number, overlap: number): { q: ReviewQueue; ids: string[] } {
  const q = new ReviewQueue(overlap);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = queuedSample("explain", null, null, [{ role: "user", content: `Савол ${i}` }]);
    q.add({ ...s, version: 1, messages: JSON.stringify(s.messages) });
    ids.push(s.sample_id);
  }
  return { q, ids };
}

// Assigns what the queue picks, as ReviewState does.
function take(q: ReviewQueue, user: string, now: number): string | null {
  const item = q.next(user, {}, now);
  if (!item) return null;
  const { a } = q.slot(item.sample.sample_id, user, now);
  a.at = now;
  return item.sample.sample_id;
}

describe("review queue and assignment policy", () => {
  it("gives a second reviewer the sample the first started, so overlap completes before new samples open", () => {
    const { q, ids } = queueOf(3, 2);
    const now = 1_000_000;
    expect(take(q, "a", now)).toBe(ids[0]);
    // Still open for a: the same sample again, not a new one.
    expect(take(q, "a", now)).toBe(ids[0]);
    expect(take(q, "b", now)).toBe(ids[0]);
    // Two live reviewers: a third gets the next sample.
    expect(take(q, "c", now)).toBe(ids[1]);
  });

  it("frees a slot nobody acted on within the TTL, but never one whose review is in", () => {
    const { q, ids } = queueOf(1, 2);
    const t0 = 1_000_000;
    expect(take(q, "a", t0)).toBe(ids[0]);
    expect(take(q, "b", t0)).toBe(ids[0]);
    q.markDone(ids[0]!, "a", q.slot(ids[0]!, "a", t0).a);
    expect(take(q, "c", t0 + 1000)).toBeNull();
    expect(q.liveOthers(ids[0]!, "c", t0 + ASSIGNMENT_TTL_MS + 1)).toBe(1);
    expect(take(q, "c", t0 + ASSIGNMENT_TTL_MS + 1)).toBe(ids[0]);
  });
});
