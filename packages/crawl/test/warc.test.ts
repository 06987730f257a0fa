import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FetchResult,
  readWarcFile,
  readWarcRecord,
  type WarcLocation,
  WarcWriter,
} from "../src/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A page response whose body names its URL. */
function response(i: number): FetchResult {
  const body = Buffer.from(`<html><body><p>Саҳифаи ${i} ${"ҳуқуқ ".repeat(20 + i)}</p></body></html>`);
  return {
    url: `http://example.tj/p/${i}`,
    status: 200,
    statusText: "OK",
    headers: [["content-type", "text/html; charset=utf-8"]],
    body,
    truncated: null,
    contentEncoding: null,
    elapsedMs: 1,
  };
}

describe("WARC writer", () => {
  it("writes concurrent records back to back, rolling files at the size limit, each readable at its location", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "soro-warc-"));
    dirs.push(dir);
    const limit = 4096;
    const w = new WarcWriter(dir, limit);
    const locs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => w.writeResponse(response(i), new Date())),
    );
    await w.close();

    for (const [i, loc] of locs.entries()) {
      const back = await readWarcRecord(dir, loc);
      expect(back.url).toBe(`http://example.tj/p/${i}`);
      expect(back.body.equals(response(i).body)).toBe(true);
    }
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(2);
    const byFile = new Map<string, WarcLocation[]>();
    for (const loc of locs) byFile.set(loc.file, [...(byFile.get(loc.file) ?? []), loc]);
    for (const f of files) {
      const recs = byFile.get(f)!.sort((a, b) => a.offset - b.offset);
      // Records tile the file with no gap or overlap, and none starts at or past the limit (a file rolls first).
      let end = 0;
      for (const r of recs) {
        expect(r.offset).toBe(end);
        expect(r.offset).toBeLessThan(limit);
        end += r.length;
      }
      expect(statSync(path.join(dir, f)).size).toBe(end);
      let n = 0;
      for await (const _ of readWarcFile(path.join(dir, f))) n++;
      expect(n).toBe(recs.length);
    }
  });
});
