import type { InputStats } from "./catalog.js";

/** Statistics of an input before any document is read. */
export function emptyInputStats(): InputStats {
  return { docsIn: 0, charsIn: 0, docsOut: 0, charsOut: 0, quarantined: 0, removed: {} };
}

/** Adds removals by rule into `total` (a batch's or a run's sum). */
export function addRemoved(total: InputStats["removed"], removed: InputStats["removed"]): void {
  for (const [rule, r] of Object.entries(removed)) {
    const t = total[rule] ?? { docs: 0, chars: 0 };
    t.docs += r.docs;
    t.chars += r.chars;
    total[rule] = t;
  }
}
