import { FNV_OFFSET, FNV_PRIME } from "@soro/core";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/**
 * Key of a block: its DOM path and its text, as a 53-bit number from two multiplicative hashes (a collision only
 * costs a kept line; a cryptographic hash per block cost a tenth of the extraction time).
 */
export function blockKey(path: string, text: string): number {
  let a = OFFSET;
  let b = 0x9747b28c;
  const s = `${path}\u0000${text}`;
  // Both hashes in one pass: core's fnv1a and a second loop took about 1.5 times the CPU time.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, PRIME);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (b >>> 11) * 0x100000000 + (a >>> 0);
}

/**
 * How many pages of each host have shown each block (DOM path and text). A block that two pages of the same host
 * show at the same place is the site's template (menus, section lists, footers, "read also" boxes), not the pages'
 * own text. A crawl meets pages one by one: each page is judged against the host's earlier pages, then counted. A
 * re-extraction counts every stored page first (`observe`, then `prime`), so a host's first page is cleaned too.
 * Bounded: once `maxKeys` keys are held, pages are still judged but no new keys are added.
 */
export class SiteTemplates {
  private readonly hosts = new Map<string, Map<number, number>>();
  private size = 0;
  private primed = false;

  constructor(private readonly maxKeys = 500_000) {}

  /** Counts a page's blocks for its host (each key once per page, so a block repeated within a page is not one). */
  observe(host: string, pageKeys: number[]): void {
    let seen = this.hosts.get(host);
    if (!seen) {
      seen = new Map();
      this.hosts.set(host, seen);
    }
    for (const k of new Set(pageKeys)) {
      const n = seen.get(k);
      if (n !== undefined) seen.set(k, n + 1);
      else if (this.size < this.maxKeys) {
        seen.set(k, 1);
        this.size++;
      }
    }
  }

  /** Says that every page has been observed: from now on a block is template when two pages of its host show it. */
  prime(): void {
    this.primed = true;
  }

  /** Indexes of a page's lines that are the host's template; before `prime`, the page is then counted. */
  templateLines(host: string, lineKeys: number[], pageKeys: number[]): Set<number> {
    const seen = this.hosts.get(host);
    const min = this.primed ? 2 : 1;
    const out = new Set<number>();
    lineKeys.forEach((k, i) => {
      if ((seen?.get(k) ?? 0) >= min) out.add(i);
    });
    if (!this.primed) this.observe(host, pageKeys);
    return out;
  }
}
