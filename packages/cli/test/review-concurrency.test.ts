import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { addSamples, addUser } from "@soro/sft-builder";
import { explainSamples } from "@soro/sft-builder/testing";
import { describe, expect, it } from "vitest";
import { startSoro, until } from "./soro-process.js";

const SESSIONS = 8;
const SAMPLES = 40;

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-review-load-"));
  const ws = path.join(dir, "ws");
  const paras = await udhrParagraphs("tgk");
  const file = path.join(dir, "tgk.jsonl");
  await writeFile(
    file,
    paras.map((text, i) => JSON.stringify({ text, url: `https://udhr.example/${i}` })).join("\n"),
  );
  const ingest = startSoro(["-w", ws, "ingest", file, "--source", "web"]);
  expect(await ingest.exited).toBe(0);
  const catalog = await Catalog.open(ws);
  try {
    await addSamples(catalog, explainSamples(paras, SAMPLES));
    for (let i = 0; i < SESSIONS; i++)
      await addUser(catalog, { username: `annotator${i}`, password: `parol-${i}-kalid`, role: "annotator" });
  } finally {
    catalog.close();
  }
  return ws;
}

/** One annotator: signs in and reviews until the queue has nothing for them; returns the HTTP statuses of saves. */
async function annotate(url: string, i: number): Promise<number[]> {
  const login = await fetch(`${url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: `annotator${i}`, password: `parol-${i}-kalid` }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrf } = (await login.json()) as { csrf: string };
  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${url}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads response fields freely
    return { status: res.status, data: (await res.json()) as any };
  };
  const statuses: number[] = [];
  for (;;) {
    const next = await post("/api/next", {});
    const view = next.data.view;
    if (!view) return statuses;
    const saved = await post(`/api/samples/${view.sample.sample_id}/review`, {
      version: view.sample.version,
      decision: "accept",
      rating: 4,
    });
    statuses.push(saved.status);
  }
}

describe("the review server beside every other command", () => {
  it("lets status, sql, sft list, report and a whole stage run while annotators review, and loses no review", async () => {
    const ws = await workspace();
    const server = startSoro(["-w", ws, "sft", "review", "--port", "0"]);
    try {
      expect(await until(() => /http:\/\/\S+:\d+/.test(server.stdout()))).toBe(true);
      const url = /http:\/\/\S+:\d+/.exec(server.stdout())![0];
      const others = [
        ["status"],
        ["sql", "select count(*) as n from docs_ingest"],
        ["sft", "list"],
        ["report", "--out", path.join(ws, "..", "report.html")],
        ["--workers", "1", "normalize"],
      ].map((args) => ({ args, child: startSoro(["-w", ws, "-q", ...args]) }));
      const [saves, codes] = await Promise.all([
        Promise.all(Array.from({ length: SESSIONS }, (_, i) => annotate(url, i))),
        Promise.all(
          others.map(async ({ args, child }) => ({ args, code: await child.exited, err: child.stderr() })),
        ),
      ]);
      for (const c of codes) expect(c, c.err).toMatchObject({ code: 0 });
      const statuses = saves.flat();
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      // Overlap 2: every sample got two reviews.
      expect(statuses).toHaveLength(SAMPLES * 2);
      server.kill("SIGINT");
      expect(await server.exited).toBe(0);
    } finally {
      server.kill("SIGKILL");
    }
    expect(server.stderr()).not.toMatch(/interrupted/);
    const catalog = await Catalog.open(ws, { readOnly: true });
    try {
      const n = async (sql: string) => Number((await catalog.rows(sql))[0]!.n);
      expect(await n("SELECT count(*) AS n FROM sft_review_reviews")).toBe(SAMPLES * 2);
      expect(await n("SELECT count(*) AS n FROM sft_samples WHERE status = 'accepted'")).toBe(SAMPLES);
      expect(
        await n("SELECT count(*) AS n FROM shards WHERE stage = 'normalize' AND status = 'active'"),
      ).toBeGreaterThan(0);
    } finally {
      catalog.close();
    }
    // Child processes of tsx on a shared machine: a minute or more.
  }, 240_000);
});
