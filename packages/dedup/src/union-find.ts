/** Union-find over dense integer ids in typed arrays (4 bytes a node), with path halving and union by size. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** The root of x's set. */
  find(x: number): number {
    const p = this.parent;
    let r = x;
    while (p[r] !== r) {
      p[r] = p[p[r] as number] as number;
      r = p[r] as number;
    }
    return r;
  }

  /** Joins the sets of a and b. */
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
  }
}
