/**
 * A memo of a pure function of a string, emptied when it holds `bound` entries: a long job meets millions of
 * distinct words, tokens and skeletons, and a cache that only grows would hold them all. Emptying loses only speed.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  /**
   * `keep` makes the key stored (and computed from) on a miss: a copy, say, so that a key cut from a long text does
   * not keep all of it alive; a hit makes nothing.
   */
  constructor(
    private readonly bound: number,
    private readonly compute: (key: string) => V,
    private readonly keep: (key: string) => string = (key) => key,
  ) {}

  get(key: string): V {
    const hit = this.map.get(key);
    // `has` only for a stored undefined (a key with nothing to give), which a plain `get` cannot tell from a miss.
    if (hit !== undefined || this.map.has(key)) return hit as V;
    if (this.map.size >= this.bound) this.map.clear();
    const kept = this.keep(key);
    const value = this.compute(kept);
    this.map.set(kept, value);
    return value;
  }
}
