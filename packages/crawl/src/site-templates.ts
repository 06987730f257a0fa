import { createHash } from "node:crypto";

/** Key of a block: its DOM path and its text, as a 48-bit number (collisions only cost a kept line). */
export function blockKey(path: string, text: string): number {
  return createHash("sha1").update(path).update("\u0000").update(text).digest().readUIntBE(0, 6);
}

/**
 * The blocks (DOM path and text) each host's pages have shown so far. A block that an earlier page of the same host
 * already showed at the same place is the site's template (menus, section lists, footers, "read also" boxes), not
 * the page's own text. Bounded: once `maxKeys` keys are held, pages are still checked but no more keys are added.
 */
export class SiteTemplates {
  private readonly hosts = new Map<string, Set<number>>();
  private size = 0;

  constructor(private readonly maxKeys = 500_000) {}

  /**
   * Which of a page's lines repeat a block of an earlier page of its host (by index), then remembers every block of
   * this page. The keys of a page are counted once, so a block repeated within one page is not a template.
   */
  repeated(host: string, lineKeys: number[], pageKeys: number[]): Set<number> {
    let seen = this.hosts.get(host);
    if (!seen) {
      seen = new Set();
      this.hosts.set(host, seen);
    }
    const out = new Set<number>();
    lineKeys.forEach((k, i) => {
      if (seen.has(k)) out.add(i);
    });
    for (const k of pageKeys) {
      if (this.size >= this.maxKeys) break;
      if (!seen.has(k)) {
        seen.add(k);
        this.size++;
      }
    }
    return out;
  }
}
