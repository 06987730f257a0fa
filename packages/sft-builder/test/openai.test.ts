import { spawn } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog } from "@soro/core";
import { ingestPaths } from "@soro/ingest";
import { udhrParagraphs } from "@soro/samples";
import { afterEach, describe, expect, it } from "vitest";
import {
  generateSamples,
  listSamples,
  OpenAIEngine,
  PromptCache,
  parseDialogue,
  sampleChecks,
} from "../src/index.js";
import { startProtocolServer, teacherReply } from "./protocol-server.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/edu", import.meta.url));
const tmp = (p: string) => mkdtemp(path.join(tmpdir(), p));
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function engineFor(url: string, extra: Partial<Parameters<typeof OpenAIEngine.open>[0]> = {}) {
  const engine = await OpenAIEngine.open({
    baseUrl: url,
    model: "teacher",
    cacheFile: path.join(await tmp("soro-cache-"), "c.jsonl"),
    backoffMs: 5,
    ...extra,
  });
  closers.push(() => engine.close());
  return engine;
}

async function eduCatalog(): Promise<Catalog> {
  const catalog = await Catalog.open(await tmp("soro-sft-ai-"), { create: true });
  await ingestPaths(catalog, [FIXTURES], { source: "edu" });
  return catalog;
}

describe("the OpenAI-compatible engine against a local protocol server", () => {
  it("retries 429 (honouring Retry-After), 5xx, malformed JSON and timeouts, and keeps a token ledger", async () => {
    const server = await startProtocolServer((_r, n) =>
      n === 1
        ? { kind: "status", status: 429, retryAfter: "0" }
        : n === 2
          ? { kind: "status", status: 503 }
          : n === 3
            ? { kind: "malformed" }
            : n === 4
              ? { kind: "hang" }
              : { kind: "ok" },
    );
    closers.push(server.close);
    const engine = await engineFor(server.url, { timeoutMs: 300, price: { prompt: 1, completion: 2 } });
    const [p] = await udhrParagraphs("tgk");
    const answer = await engine.chat([{ role: "user", content: `Матн:\n${p}` }]);
    expect(parseDialogue(answer.content)?.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(engine.ledger).toMatchObject({ requests: 5, retries: 4, failures: 0, cached: 0 });
    expect(engine.ledger.promptTokens).toBeGreaterThan(0);
    expect(engine.ledger.cost).toBeCloseTo(
      (engine.ledger.promptTokens + 2 * engine.ledger.completionTokens) / 1e6,
    );
    const again = await engine.chat([{ role: "user", content: `Матн:\n${p}` }]);
    expect(again).toMatchObject({ cached: true, content: answer.content });
    expect(server.seen).toHaveLength(5);
  });

  it("gives up on a 400 at once and after max retries on repeated 500s, naming the endpoint", async () => {
    const server = await startProtocolServer((r) =>
      r.messages[0]!.content === "bad" ? { kind: "status", status: 400 } : { kind: "status", status: 500 },
    );
    closers.push(server.close);
    const engine = await engineFor(server.url, { maxRetries: 2 });
    await expect(engine.chat([{ role: "user", content: "bad" }])).rejects.toThrow(/HTTP 400/);
    expect(server.seen).toHaveLength(1);
    await expect(engine.chat([{ role: "user", content: "busy" }])).rejects.toThrow(/failed after 3 attempt/);
    expect(engine.ledger).toMatchObject({ requests: 4, retries: 2, failures: 2 });
  });

  it("sends identical prompts in flight once", async () => {
    const server = await startProtocolServer(() => ({ kind: "ok" }));
    closers.push(server.close);
    const engine = await engineFor(server.url, { concurrency: 3 });
    const prompts = Array.from({ length: 12 }, (_, i) => [
      { role: "user" as const, content: `Матн:\nсавол ${i % 6}` },
    ]);
    await Promise.all(prompts.map((m) => engine.chat(m)));
    expect(server.seen).toHaveLength(6);
    expect(engine.ledger.requests).toBe(6);
  });

  it("generates checked samples through a model, with failed prompts counted and left for a rerun", async () => {
    const catalog = await eduCatalog();
    closers.push(() => catalog.close());
    let fail = true;
    const server = await startProtocolServer((r) =>
      fail && r.messages[1]!.content.includes("Моддаи 5.") ? { kind: "status", status: 400 } : { kind: "ok" },
    );
    closers.push(server.close);
    const engine = { baseUrl: server.url, model: "teacher", concurrency: 8, backoffMs: 5 };
    const s = await generateSamples(catalog, { tasks: ["explain", "ru_to_tg"], target: 1000, engine });
    expect(s.failedPrompts).toBeGreaterThan(0);
    expect(s.queued).toBeGreaterThan(10);
    expect(s.ledger).toMatchObject({ failures: s.failedPrompts, cached: 0 });
    const [sample] = await listSamples(catalog, "queued");
    expect(sample).toMatchObject({ engine: "openai:teacher", subject: "huquq", grade: 9 });
    expect(sample!.messages[0]!.content).toMatch(/^Муаллим, ин ҷумларо фаҳмонед/);
    const sent = server.seen.length;
    fail = false;
    const rerun = await generateSamples(catalog, { tasks: ["explain", "ru_to_tg"], target: 1000, engine });
    expect(server.seen.length - sent).toBe(s.failedPrompts);
    expect(rerun.ledger).toMatchObject({ requests: s.failedPrompts });
  });

  it("asks an LLM judge about samples that passed every other check and stores its score", async () => {
    const catalog = await eduCatalog();
    closers.push(() => catalog.close());
    let judged = 0;
    const server = await startProtocolServer(
      () => ({ kind: "ok" }),
      (messages) =>
        messages[0]!.content.includes("муҳаррири")
          ? `Ҷавоб ба савол мувофиқ аст.\nБаҳо: ${judged++ % 2 ? 2 : 4}`
          : teacherReply(messages),
    );
    closers.push(server.close);
    const engine = { baseUrl: server.url, model: "teacher", concurrency: 4, backoffMs: 5 };
    const s = await generateSamples(catalog, {
      tasks: ["explain"],
      target: 6,
      engine,
      judge: { ...engine, model: "judge", minScore: 3 },
    });
    expect(s.queued).toBe(6);
    expect(s.failedChecks.judge).toBeGreaterThan(0);
    const [q] = await listSamples(catalog, "queued");
    expect((await sampleChecks(catalog, q!.sample_id)).find((v) => v.check === "judge")).toMatchObject({
      passed: true,
      score: 4,
    });
  });

  it("resumes a run killed mid-way without sending any answered prompt again", async () => {
    const catalog = await eduCatalog();
    const ws = catalog.ws.dir;
    catalog.close();
    let child: ReturnType<typeof spawn> | null = null;
    const server = await startProtocolServer((_r, n) => {
      if (n === 25) child?.kill("SIGKILL");
      return { kind: "ok" };
    });
    closers.push(server.close);
    // One node process (no tsx wrapper process), so the kill leaves no orphan holding the catalog.
    child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./generate-child.ts", import.meta.url)), ws, server.url],
      {
        stdio: "ignore",
        cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      },
    );
    const signal = await new Promise<string | null>((resolve) =>
      child!.on("exit", (_c, sig) => resolve(sig)),
    );
    expect(signal).toBe("SIGKILL");
    const first = server.seen.map((r) => r.hash);
    expect(first.length).toBeGreaterThanOrEqual(25);
    // The cache holds what was answered before the kill (a torn last line, if any, is dropped on load).
    const cacheDir = path.join(ws, "sft", "cache");
    const [file] = await readdir(cacheDir);
    const cache = await PromptCache.open(path.join(cacheDir, file!));
    const answered = cache.size;
    await cache.close();
    expect(answered).toBeGreaterThan(0);
    const resumed = await Catalog.open(ws);
    closers.push(() => resumed.close());
    const s = await generateSamples(resumed, {
      tasks: ["explain", "summary", "quiz"],
      target: 1000,
      engine: { baseUrl: server.url, model: "teacher", concurrency: 4, backoffMs: 10 },
    });
    expect(s.ledger!.cached).toBe(answered);
    const second = server.seen.slice(first.length).map((r) => r.hash);
    expect(new Set(second).size).toBe(second.length);
    // The only prompts sent again are those in flight at the kill (at most `concurrency`): their answers were
    // never stored. Every answered prompt came from the cache.
    const again = second.filter((h) => first.includes(h));
    expect(again.length).toBe(first.length - answered);
    expect(again.length).toBeLessThanOrEqual(4);
    expect(s.queued + s.kept).toBeGreaterThan(20);
  }, 60_000);
});
