import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { SORO_BIN as BIN } from "@soro/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

function soro(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** Free kilobytes on the filesystem holding `dir`. */
function freeKb(dir: string): number {
  const out = spawnSync("df", ["-k", "--output=avail", dir], { encoding: "utf8" }).stdout;
  return Number(out.trim().split("\n").pop());
}

/** Text that does not compress: random Tajik letters and spaces, `bytes` long in UTF-8 (about). */
function incompressible(bytes: number): string {
  const letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяғӣқӯҳҷ";
  return Array.from(randomBytes(bytes / 2), (b) => (b % 7 === 0 ? " " : letters[b % letters.length])).join(
    "",
  );
}

describe("a full disk", () => {
  let mnt = "";
  let mounted = false;
  let why = "";
  beforeAll(async () => {
    mnt = await mkdtemp(path.join(tmpdir(), "soro-full-"));
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], { encoding: "utf8" });
    mounted = r.status === 0;
    why = mounted ? "" : `cannot mount a small tmpfs here (${(r.stderr || r.error?.message || "").trim()})`;
  });
  afterAll(async () => {
    if (mounted) spawnSync("umount", [mnt]);
    await rm(mnt, { recursive: true, force: true });
  });

  it("stops ingest and normalize with one line naming the path, quarantines nothing, and resumes once freed", async (ctx) => {
    if (!mounted) return ctx.skip(why);
    const ws = path.join(mnt, "ws");
    const input = await mkdtemp(path.join(tmpdir(), "soro-full-in-"));
    for (let i = 0; i < 6; i++) await writeFile(path.join(input, `f${i}.txt`), incompressible(400_000));
    await mkdir(path.join(input, "first"));
    await writeFile(path.join(input, "first", "a.txt"), incompressible(100_000));
    expect(soro("-w", ws, "-q", "ingest", path.join(input, "first")).code).toBe(0);

    const filler = path.join(mnt, "filler");
    await writeFile(filler, Buffer.alloc((freeKb(mnt) - 120) * 1024));
    const full = soro("-w", ws, "-q", "ingest", input);
    expect(full.code).toBe(8);
    expect(full.stderr.split("\n")).toHaveLength(1);
    expect(full.stderr).toMatch(
      new RegExp(`^soro: no space left on the device writing ${mnt}/ws/\\S+: free space`),
    );

    const normalize = soro("-w", ws, "-q", "normalize");
    expect(normalize.code).toBe(8);
    expect(normalize.stderr.split("\n")).toHaveLength(1);
    expect(normalize.stderr).toMatch(/^soro: no space left on the device writing \//);

    await rm(filler);
    const again = soro("-w", ws, "-q", "ingest", input);
    expect(again.stderr).toBe("");
    expect(again.stdout).toMatch(/6 ingested .* 0 quarantined; 0 quarantine entries/);
    expect(soro("-w", ws, "-q", "normalize").stderr).toBe("");
    const c = await Catalog.open(ws, { readOnly: true });
    expect(await c.rows("SELECT count(*) AS n FROM quarantine")).toEqual([{ n: 0 }]);
    expect(await c.rows("SELECT status, count(*) AS n FROM stage_runs GROUP BY 1 ORDER BY 1")).toEqual([
      { status: "done", n: 3 },
      { status: "failed", n: 2 },
    ]);
    c.close();
    await rm(input, { recursive: true });
  }, 120_000);
});
