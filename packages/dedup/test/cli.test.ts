import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SORO_BIN } from "@soro/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { plantedCorpus, removeTempDirs, tempDir } from "./corpus.js";

const run = promisify(execFile);

async function soro(ws: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [SORO_BIN, "-w", ws, "-q", "--workers", "1", ...args], {
    maxBuffer: 1 << 24,
  });
  return stdout;
}

afterAll(removeTempDirs);

describe("soro dedup", () => {
  it("runs on ingested JSONL and explains a removed document", { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const docs = await plantedCorpus();
    const file = path.join(dir, "docs.jsonl");
    await writeFile(file, docs.map((d) => JSON.stringify({ text: d.text, url: d.url ?? d.path })).join("\n"));
    const ws = path.join(dir, "ws");
    await soro(ws, "ingest", file, "--source", "web");
    const out = await soro(ws, "dedup", "run", "--input", "ingest", "--no-lines");
    expect(out).toMatch(/dedup: 115 docs in, \d+ out/);
    expect(out).toMatch(/near_duplicate/);
    const members = JSON.parse(
      (await soro(ws, "sql", "--json", "SELECT doc_id FROM dedup_members WHERE rank = 2 LIMIT 1")).split(
        "\n",
      )[0]!,
    ) as { doc_id: string };
    const explained = JSON.parse(await soro(ws, "dedup", "explain", members.doc_id, "--json")) as {
      members: Array<{ rank: number; jaccardExact: number }>;
      reason: string;
    };
    expect(explained.members.length).toBeGreaterThan(1);
    expect(explained.reason).toMatch(/survives/);
  });
});
