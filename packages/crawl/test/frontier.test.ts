import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Frontier, type NewUrl } from "../src/index.js";
import { tempCatalog } from "./helpers.js";

const link = (path: string, depth: number, parent: string | null = null): NewUrl => ({
  url: `http://example.tj${path}`,
  host: "example.tj",
  kind: "page",
  depth,
  hops: 0,
  parent,
});

describe("frontier commits", () => {
  it("queue each discovered URL once, the first discovery winning, and say when nothing was new", async () => {
    const c = await tempCatalog();
    try {
      const f = await Frontier.open(c);
      expect(await f.commit([], [], [], [link("/", 0)])).toBe(1);
      // A menu repeated on every page: the same links within one commit and again in the next.
      const menu = (from: string, depth: number) => ["/a", "/b", "/"].map((p) => link(p, depth, from));
      expect(await f.commit([], [], [], [...menu("/", 1), ...menu("/a", 2)])).toBe(2);
      expect(await f.commit([], [], [], [...menu("/b", 2), link("/c", 2, "/b")])).toBe(1);
      expect(await f.commit([], [], [], menu("/c", 3))).toBe(0);

      const rows = await c.rows("SELECT url, depth, parent FROM crawl_frontier ORDER BY seq");
      expect(rows.map((r) => [String(r.url).slice(17), Number(r.depth), r.parent])).toEqual([
        ["/", 0, null],
        ["/a", 1, "/"],
        ["/b", 1, "/"],
        ["/c", 2, "/b"],
      ]);
      expect((await f.queued(0, 10)).map((i) => i.url.slice(17))).toEqual(["/", "/a", "/b", "/c"]);

      // Another process (a resume) knows nothing yet: the catalog's primary key still keeps each URL once.
      const again = await Frontier.open(c);
      expect(await again.commit([], [], [], menu("/c", 3))).toBe(3);
      expect(Number((await c.rows("SELECT count(*) AS n FROM crawl_frontier"))[0]!.n)).toBe(4);
    } finally {
      c.close();
      rmSync(c.ws.dir, { recursive: true, force: true });
    }
  });

  it("keep no more rows in the commit's scratch table than the last commit loaded", async () => {
    const c = await tempCatalog();
    try {
      const f = await Frontier.open(c);
      for (let k = 0; k < 20; k++) {
        const found = Array.from({ length: 500 }, (_, i) => link(`/p/${k * 500 + i}`, 1, "/"));
        expect(await f.commit([], [], [], found)).toBe(500);
      }
      // Rows deleted from a temp table keep their storage, so a scratch table emptied each commit grew with the crawl.
      const [stored] = await c.rows(
        "SELECT sum(count)::INTEGER AS n FROM pragma_storage_info('temp.crawl_new') WHERE column_path = '[0]'",
      );
      expect(Number(stored!.n)).toBe(500);
      expect(Number((await c.rows("SELECT count(*) AS n FROM crawl_frontier"))[0]!.n)).toBe(10_000);
    } finally {
      c.close();
      rmSync(c.ws.dir, { recursive: true, force: true });
    }
  });
});
