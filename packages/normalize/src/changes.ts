import { charsChanged } from "./letters.js";

/** One change made by a rule (kept only when explaining). */
export interface Change {
  rule: string;
  from: string;
  to: string;
}

/** Per-document record of what the repair rules did: characters changed per rule, and the changes if asked. */
export class ChangeLog {
  readonly chars = new Map<string, number>();
  readonly changes: Change[] | undefined;
  /** Changes that took another length (or rewrote a whole text): positions in the text before them may not hold. */
  moves = 0;

  constructor(explain = false) {
    this.changes = explain ? [] : undefined;
  }

  /** Records that `rule` turned `from` into `to`, and returns `to` (for use inside replace callbacks). */
  record(rule: string, from: string, to: string): string {
    if (from === to) return to;
    if (from.length !== to.length) this.moves++;
    this.chars.set(rule, (this.chars.get(rule) ?? 0) + charsChanged(from, to));
    this.changes?.push({ rule, from, to });
    return to;
  }

  /** Records a whole-text rewrite by `rule` as one change of `n` characters. */
  recordBulk(rule: string, n: number, from = "", to = ""): void {
    if (n === 0) return;
    this.moves++;
    this.chars.set(rule, (this.chars.get(rule) ?? 0) + n);
    this.changes?.push({ rule, from, to });
  }

  /** Total characters changed by all rules. */
  total(): number {
    let n = 0;
    for (const v of this.chars.values()) n += v;
    return n;
  }
}
