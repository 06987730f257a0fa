import { keyWords } from "@soro/dedup";
import type { ChatMessage } from "../samples/schema.js";
import { turnsText, type Verdict } from "./verdict.js";

/** ROUGE-L F1 at or above which two instructions are near-duplicates (self-instruct's threshold). */
export const NEAR_DUPLICATE_ROUGE = 0.7;

/**
 * Tokens for ROUGE-L: dedup's key words, which keep every Cyrillic letter (folding only case, diacritics and
 * Russian look-alikes of Tajik letters). Tokenizers that keep `[a-z0-9]` see no Tajik words at all, so every
 * pair of Tajik instructions would score 1.
 */
export function rougeTokens(text: string): string[] {
  return keyWords(text);
}

/** ROUGE-L F1 of two token lists (longest common subsequence over both lengths). */
export function rougeL(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    [prev, cur] = [cur, prev];
  }
  const lcs = prev[b.length] ?? 0;
  if (lcs === 0) return 0;
  const p = lcs / b.length;
  const r = lcs / a.length;
  return (2 * p * r) / (p + r);
}

/** How many of an instruction's rarest tokens are looked up to find candidates. */
const PROBE_TOKENS = 10;

/**
 * The instructions kept so far, indexed by token. A lookup probes the query's rarest tokens (template words are
 * in every instruction, so they find nothing useful) and scores only instructions sharing at least half of them
 * with exact ROUGE-L: a pair at F1 ≥ 0.7 shares most of its tokens, rare ones included.
 */
export class InstructionIndex {
  private readonly tokens: string[][] = [];
  private readonly ids: string[] = [];
  private readonly postings = new Map<string, number[]>();

  /** Number of instructions indexed. */
  get size(): number {
    return this.ids.length;
  }

  /** The most similar indexed instruction at or above `threshold`, if any. */
  nearest(query: string[], threshold = NEAR_DUPLICATE_ROUGE): { id: string; score: number } | null {
    const distinct = [...new Set(query)].sort(
      (x, y) => (this.postings.get(x)?.length ?? 0) - (this.postings.get(y)?.length ?? 0),
    );
    const probe = distinct.slice(0, PROBE_TOKENS);
    const hits = new Map<number, number>();
    for (const t of probe) for (const d of this.postings.get(t) ?? []) hits.set(d, (hits.get(d) ?? 0) + 1);
    let best: { id: string; score: number } | null = null;
    for (const [d, n] of hits) {
      if (n * 2 < probe.length) continue;
      const [tokens, id] = [this.tokens[d], this.ids[d]];
      if (!tokens || id === undefined) continue;
      const score = rougeL(query, tokens);
      if (score >= threshold && (!best || score > best.score)) best = { id, score };
    }
    return best;
  }

  /** Adds an instruction. */
  add(id: string, tokens: string[]): void {
    const d = this.ids.length;
    this.ids.push(id);
    this.tokens.push(tokens);
    for (const t of new Set(tokens)) {
      const list = this.postings.get(t);
      if (list) list.push(d);
      else this.postings.set(t, [d]);
    }
  }
}

/** Near-duplicate: the learner's turns are not a near copy (ROUGE-L) of an instruction already kept; keeps it if not. */
export function checkNearDuplicate(index: InstructionIndex, messages: ChatMessage[]): Verdict {
  const tokens = rougeTokens(turnsText(messages, "user"));
  const near = index.nearest(tokens);
  if (near)
    return {
      check: "near_duplicate",
      passed: false,
      score: near.score,
      detail: `ROUGE-L ${near.score.toFixed(2)} with ${near.id}`,
    };
  return { check: "near_duplicate", passed: true, score: null, detail: null };
}
