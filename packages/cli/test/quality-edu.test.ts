import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { SORO_BIN } from "@soro/core/testing";
import { eduScore, loadModel, shippedEduModel, workspaceEduModelPath } from "@soro/quality";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { addSamples, addUser, EDU_TASK, eduItem, startReviewServer } from "@soro/sft-builder";
import { describe, expect, it } from "vitest";

function soro(...args: string[]) {
  const r = spawnSync(process.execPath, [SORO_BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** Real UI strings in runs of four: passages the weak labels call worthless (band 0). */
function uiPassages(count: number): string[] {
  const ui = libreofficeTajikStrings()
    .map((s) => s.tg)
    .filter((s) => s.length > 12);
  return Array.from({ length: count }, (_, k) => ui.slice(300 + k * 4, 304 + k * 4).join("\n"));
}

/** Signs in to the review API and rates every edu passage it is given with `rate(passage)`. */
async function rateAll(base: string, user: string, password: string, rate: (text: string) => number) {
  const login = await fetch(`${base}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: user, password }),
  });
  expect(login.status).toBe(200);
  const headers = {
    "content-type": "application/json",
    cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]!,
    "x-csrf-token": ((await login.json()) as { csrf: string }).csrf,
  };
  const post = async (url: string, body: unknown) =>
    (await fetch(`${base}${url}`, { method: "POST", headers, body: JSON.stringify(body) })).json();
  for (;;) {
    const { view } = (await post("/api/next", { task: EDU_TASK })) as {
      view?: { sample: { sample_id: string; version: number; source_excerpt: string } };
    };
    if (!view) return;
    const s = view.sample;
    await post(`/api/samples/${s.sample_id}/review`, {
      version: s.version,
      decision: "accept",
      rating: rate(s.source_excerpt),
    });
  }
}

describe("soro quality edu train", () => {
  it("retrains the workspace model from a labels file, and the next signals run scores with it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-edu-cli-"));
    const ws = path.join(dir, "ws");
    const docs = path.join(dir, "docs.jsonl");
    const paras = await udhrParagraphs("tgk");
    const ui = uiPassages(40);
    await writeFile(
      docs,
      [
        ...[0, 6, 12].map((k) => ({
          text: paras.slice(k, k + 6).join("\n"),
          url: `https://udhr.example/${k}`,
        })),
        { text: ui.slice(0, 10).join("\n"), url: "https://l10n.example/ui" },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    expect(soro("-w", ws, "ingest", docs, "--source", "web").code).toBe(0);
    expect(soro("-w", ws, "normalize").code).toBe(0);
    expect(soro("-w", ws, "quality", "signals").code).toBe(0);
    const models = () => soro("-w", ws, "sql", "select distinct edu_model from docs_quality").stdout;
    expect(models()).toContain(shippedEduModel().version);

    // Nothing rated and no file: a one-line usage error.
    const none = soro("-w", ws, "quality", "edu", "train");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^soro quality edu train: no annotator labels/);

    // Annotators say these UI strings are worth a 5 (against the weak labels), and one line is broken.
    const labels = path.join(dir, "labels.jsonl");
    await writeFile(
      labels,
      `${ui
        .slice(10)
        .map((text) => JSON.stringify({ text, score: 5 }))
        .join("\n")}\n{"text": "x", "score": "high"}\n`,
    );
    const r = soro("-w", ws, "quality", "edu", "train", "--labels", labels, "--no-from-review");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("labels.jsonl:31: score");
    expect(r.stdout).toMatch(/edu model edu-ws-[0-9a-f]{12}: 30 annotator labels/);
    const file = workspaceEduModelPath(ws);
    expect(existsSync(file)).toBe(true);
    const trained = loadModel(file);
    const held = ui.slice(0, 10).join("\n"); // not among the labelled passages
    expect(eduScore(trained, held)).toBeGreaterThan(eduScore(shippedEduModel(), held));
    expect(soro("-w", ws, "quality", "signals").code).toBe(0);
    expect(models()).toContain(trained.version);
    expect(models()).not.toContain(shippedEduModel().version);
  }, 300_000);

  it("trains from the review app's accepted ratings by default", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-edu-review-"));
    const catalog = await Catalog.open(dir, { create: true });
    const ui = uiPassages(6);
    const paras = (await udhrParagraphs("tgk")).filter((p) => p.length > 100).slice(0, 6);
    try {
      await addUser(catalog, { username: "rustam", password: "rustam-parol-2", role: "annotator" });
      await addUser(catalog, { username: "parvina", password: "parvina-parol-3", role: "annotator" });
      const passages = [...ui, ...paras].map((text, i) =>
        eduItem({ doc_id: `p-${i}`, text, source: "test", stage: "quality" }),
      );
      expect(await addSamples(catalog, passages)).toBe(12);
      const server = await startReviewServer({ catalog, overlap: 2 });
      try {
        const rate = (text: string) => (ui.includes(text) ? 0 : 4);
        await rateAll(server.url, "rustam", "rustam-parol-2", rate);
        await rateAll(server.url, "parvina", "parvina-parol-3", rate);
      } finally {
        await server.close();
      }
    } finally {
      catalog.close();
    }
    const r = soro("-w", dir, "quality", "edu", "train", "--epochs", "1");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/: 12 annotator labels \(12 from review\)/);
    expect(existsSync(workspaceEduModelPath(dir))).toBe(true);
  }, 300_000);
});
