import { spawn } from "node:child_process";
import { once } from "node:events";
import { Catalog } from "@soro/core";
import { describe, expect, it } from "vitest";
import { mergeReviewDb, openReviewDb, type RunningReviewServer, startReviewServer } from "../src/index.js";
import { Client, PASSWORDS, reviewWorkspace } from "./review-fixtures.js";

async function count(catalog: Catalog, sql: string): Promise<number> {
  return Number((await catalog.rows(sql))[0]!.n);
}

const CHILD = new URL("./hold-catalog.ts", import.meta.url).pathname;

/** Runs hold-catalog.ts in another process and resolves with what it printed. */
async function inOtherProcess(...args: string[]): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number];
  expect(code).toBe(0);
  return out.trim();
}

/** Holds the catalog from another process (as a stage run does) until the returned function is called. */
async function holdCatalog(dir: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, "hold", dir], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout.setEncoding("utf8"), "data")) as [string];
  expect(line.trim()).toBe("held");
  return async () => {
    child.stdin.end();
    await once(child, "exit");
  };
}

async function reviewAll(client: Client): Promise<number> {
  let n = 0;
  for (;;) {
    const view = (await client.call("POST", "/api/next", {})).data.view;
    if (!view) return n;
    const res = await client.call("POST", `/api/samples/${view.sample.sample_id}/review`, {
      version: view.sample.version,
      decision: "accept",
      rating: 4,
    });
    expect(res.status).toBe(200);
    n++;
  }
}

describe("review state in its own database", () => {
  it("leaves the catalog to other commands, publishes reviews to it, and takes in new samples and accounts", async () => {
    const { catalog, dir, samples } = await reviewWorkspace(3);
    catalog.close();
    const review = await openReviewDb(dir);
    let server: RunningReviewServer | undefined;
    try {
      server = await startReviewServer({
        catalog: review,
        overlap: 1,
        publishTo: `${dir}/catalog.duckdb`,
        publishEveryMs: 100,
      });
      // Another process holds the catalog (a stage run) the whole time reviews are made: none waits for it.
      const release = await holdCatalog(dir);
      const rustam = new Client(server.url);
      expect((await rustam.login("rustam", PASSWORDS.rustam)).status).toBe(200);
      expect(await reviewAll(rustam)).toBe(samples);
      await release();
      // Then a new sample and a new account arrive in the catalog, and the reviews reach it.
      await inOtherProcess("add", dir);
      let published = "";
      for (let i = 0; i < 100 && published !== String(samples); i++)
        published = await inOtherProcess("count", dir, "SELECT count(*) AS n FROM sft_review_reviews");
      expect(published).toBe(String(samples));
      const nodira = new Client(server.url);
      const deadline = Date.now() + 20_000;
      while ((await nodira.login("nodira", "nodira-parol-4")).status !== 200 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      // The account and the sample come in the same sync; the sample joins the queue just after.
      let view = null;
      while (!view && Date.now() < deadline) view = (await nodira.call("POST", "/api/next", {})).data.view;
      expect(view?.sample.sample_id).toBe("added-while-reviewing");
      expect(await reviewAll(nodira)).toBe(1);
      expect(await server.close()).toBe(true);
      server = undefined;
      const main = await Catalog.open(dir);
      try {
        expect(await count(main, "SELECT count(*) AS n FROM sft_review_reviews")).toBe(samples + 1);
        expect(await count(main, "SELECT count(*) AS n FROM sft_samples WHERE status = 'accepted'")).toBe(
          samples + 1,
        );
        expect(await count(main, "SELECT count(*) AS n FROM sft_review_audit")).toBe(
          await count(review, "SELECT count(*) AS n FROM sft_review_audit"),
        );
      } finally {
        main.close();
      }
    } finally {
      await server?.close();
      review.close();
    }
  });

  it("keeps reviews it could not publish and merges them when the catalog is next used for an export", async () => {
    const { catalog, dir, samples } = await reviewWorkspace(2);
    catalog.close();
    const review = await openReviewDb(dir);
    const server = await startReviewServer({
      catalog: review,
      overlap: 1,
      publishTo: `${dir}/catalog.duckdb`,
      publishEveryMs: 60_000,
    });
    const release = await holdCatalog(dir);
    const rustam = new Client(server.url);
    expect((await rustam.login("rustam", PASSWORDS.rustam)).status).toBe(200);
    expect(await reviewAll(rustam)).toBe(samples);
    // The catalog is busy when the server stops: the reviews stay in the review database.
    expect(await server.close()).toBe(false);
    review.close();
    await release();
    const stage = await Catalog.open(dir);
    try {
      expect(await count(stage, "SELECT count(*) AS n FROM sft_review_reviews")).toBe(0);
      expect(await mergeReviewDb(stage)).toBe(true);
      expect(await count(stage, "SELECT count(*) AS n FROM sft_review_reviews")).toBe(samples);
      expect(await count(stage, "SELECT count(*) AS n FROM sft_samples WHERE status = 'accepted'")).toBe(
        samples,
      );
    } finally {
      stage.close();
    }
  });
});
