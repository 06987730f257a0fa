import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { startSoro, until } from "./soro-process.js";

async function jsonl(dir: string, name: string, lang: "tgk" | "rus"): Promise<string> {
  const file = path.join(dir, name);
  const paragraphs = await udhrParagraphs(lang);
  await writeFile(file, paragraphs.map((text) => JSON.stringify({ text })).join("\n"));
  return file;
}

describe("catalog lock", () => {
  it("queues two writers behind the holder, naming it once, and both finish; --no-wait fails at once", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-lock-"));
    const ws = path.join(dir, "ws");
    const a = await jsonl(dir, "a.jsonl", "tgk");
    const b = await jsonl(dir, "b.jsonl", "rus");
    const held = await Catalog.open(ws, { create: true });
    const first = startSoro(["-w", ws, "ingest", a, "--source", "web"]);
    const second = startSoro(["-w", ws, "ingest", b, "--source", "web"]);
    const refused = startSoro(["-w", ws, "--no-wait", "status"]);
    try {
      expect(await refused.exited).toBe(6);
      expect(refused.stderr().split("\n")).toHaveLength(1);
      expect(refused.stderr()).toContain(`in use by PID ${process.pid}`);
      // Both wait for the holder (this process) and say so once.
      expect(
        await until(() => [first, second].every((c) => c.stderr().includes(`in use by PID ${process.pid}`))),
      ).toBe(true);
    } finally {
      held.close();
    }
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    for (const c of [first, second]) expect(c.stderr().match(/waiting up to/g) ?? []).toHaveLength(1);
    const catalog = await Catalog.open(ws, { readOnly: true });
    try {
      const rows = await catalog.rows("SELECT count(*) AS n FROM stage_io WHERE stage = 'ingest'");
      expect(rows[0]!.n).toBe(2);
    } finally {
      catalog.close();
    }
  });

  it("says how to resume when interrupted with Ctrl+C", async () => {
    const ws = path.join(await mkdtemp(path.join(tmpdir(), "soro-lock-")), "ws");
    const held = await Catalog.open(ws, { create: true });
    try {
      // Waiting for the catalog is a point where the command is surely running.
      const child = startSoro(["-w", ws, "status"]);
      expect(await until(() => child.stderr().includes("waiting up to"))).toBe(true);
      child.kill("SIGINT");
      expect(await child.exited).toBe(130);
      expect(child.stderr().split("\n").at(-1)).toBe("interrupted: rerun the same command to resume");
    } finally {
      held.close();
    }
  });
});
