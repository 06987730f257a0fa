import http from "node:http";
import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReviewApp, type RunningReviewServer, startReviewServer } from "../src/index.js";
import { Client, PASSWORDS, reviewWorkspace } from "./review-fixtures.js";

let catalog: Catalog;
let server: RunningReviewServer;

beforeAll(async () => {
  ({ catalog } = await reviewWorkspace());
  server = await startReviewServer({ catalog, overlap: 2, maxLoginFailures: 3 });
});
afterAll(async () => {
  await server?.close();
  catalog?.close();
});

async function signedIn(name: keyof typeof PASSWORDS): Promise<Client> {
  const c = new Client(server.url);
  expect((await c.login(name, PASSWORDS[name])).status).toBe(200);
  return c;
}

const decide = (v: { sample: { version: number } }, decision: "accept" | "reject", extra = {}) => ({
  version: v.sample.version,
  decision,
  ...(decision === "reject" ? { reason: "language_error" } : {}),
  ...extra,
});

describe("review API over a real catalog", () => {
  it("refuses every API endpoint without a session, and state changes without the CSRF token", async () => {
    const { app } = createReviewApp({ catalog });
    const routes = app.routes.filter((r) => r.path.startsWith("/api/") && r.method !== "ALL");
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const r of routes) {
      const res = await fetch(`${server.url}${r.path.replace(":id", "x")}`, {
        method: r.method,
        headers: { "content-type": "application/json" },
        body: r.method === "GET" ? undefined : "{}",
      });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 401]);
    }
    const c = await signedIn("rustam");
    const noToken = await fetch(`${server.url}/api/next`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: c.cookie },
      body: "{}",
    });
    expect(noToken.status).toBe(403);
    const crossSite = await fetch(`${server.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ username: "rustam", password: PASSWORDS.rustam }),
    });
    expect(crossSite.status).toBe(403);
    // Annotators do not reach lead endpoints.
    expect((await c.call("GET", "/api/agreement")).status).toBe(403);
    expect((await c.call("GET", "/api/disagreements")).status).toBe(403);
  });

  it("refuses a body over 1 MiB, and one without a declared length, before reading it", async () => {
    const c = await signedIn("rustam");
    const headers = { "content-type": "application/json", cookie: c.cookie, "x-csrf-token": c.csrf };
    const big = await fetch(`${server.url}/api/next`, {
      method: "POST",
      headers,
      body: JSON.stringify({ q: "ҳ".repeat(600_000) }),
    });
    expect([big.status, ((await big.json()) as { error: string }).error]).toEqual([413, "request too large"]);
    // A streamed body goes out chunked, with no Content-Length.
    const chunked = await fetch(`${server.url}/api/next`, {
      method: "POST",
      headers,
      body: new Blob(["{}"]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(411);
    expect((await c.call("POST", "/api/next", {})).status).toBe(200);
  });

  it("assigns each sample to two reviewers, decides on agreement and sends disagreement to a lead", async () => {
    const rustam = await signedIn("rustam");
    const dilnoza = await signedIn("dilnoza");
    const filter = { task: "explain", subject: "tarikh" };
    const a = (await rustam.call("POST", "/api/next", filter)).data.view;
    const b = (await dilnoza.call("POST", "/api/next", filter)).data.view;
    expect(b.sample.sample_id).toBe(a.sample.sample_id);
    expect(
      (await rustam.call("POST", `/api/samples/${a.sample.sample_id}/review`, decide(a, "accept"))).status,
    ).toBe(200);
    const rb = await dilnoza.call("POST", `/api/samples/${b.sample.sample_id}/review`, decide(b, "reject"));
    expect(rb.data.view.sample.status).toBe("needs_adjudication");
    const disputes = (await dilnoza.call("GET", "/api/disagreements")).data;
    expect(disputes.map((d: { sample_id: string }) => d.sample_id)).toContain(a.sample.sample_id);
    // A third reviewer finds no room on it.
    const third = await rustam.call(
      "POST",
      `/api/samples/${a.sample.sample_id}/review`,
      decide(rb.data.view, "accept"),
    );
    expect(third.status).toBe(409);
    const adj = await dilnoza.call(
      "POST",
      `/api/samples/${a.sample.sample_id}/adjudicate`,
      decide(rb.data.view, "accept"),
    );
    expect(adj.data.view.sample.status).toBe("accepted");
    const audit = (await dilnoza.call("GET", `/api/samples/${a.sample.sample_id}/audit`)).data;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      "assign",
      "assign",
      "review",
      "review",
      "status",
      "adjudicate",
      "status",
    ]);
  });

  it("refuses a save against a stale version and keeps both edits (first in the sample, second in the audit)", async () => {
    const rustam = await signedIn("rustam");
    const parvina = await signedIn("parvina");
    const filter = { task: "explain", subject: "huquq" };
    const a = (await rustam.call("POST", "/api/next", filter)).data.view;
    const b = (await parvina.call("POST", "/api/next", filter)).data.view;
    expect(b.sample.sample_id).toBe(a.sample.sample_id);
    const id = a.sample.sample_id;
    const edit = (v: typeof a, text: string) =>
      v.sample.messages.map((m: { role: string; content: string }, i: number) =>
        i === 1 ? { role: m.role, content: `${m.content} ${text}` } : m,
      );
    const first = await rustam.call(
      "POST",
      `/api/samples/${id}/review`,
      decide(a, "accept", { messages: edit(a, "Илова аз Рустам.") }),
    );
    expect(first.status).toBe(200);
    const second = await parvina.call(
      "POST",
      `/api/samples/${id}/review`,
      decide(b, "accept", { messages: edit(b, "Илова аз Парвина.") }),
    );
    expect(second.status).toBe(409);
    expect(second.data.view.sample.messages[1].content).toMatch(/Илова аз Рустам\.$/);
    const audit = (await (await signedIn("dilnoza")).call("GET", `/api/samples/${id}/audit`)).data;
    const refused = audit.find((e: { action: string }) => e.action === "conflict");
    expect(refused.username).toBe("parvina");
    expect(JSON.stringify(refused.detail)).toContain("Илова аз Парвина.");
    // Seeing the newer text, Parvina applies her addition on top of it and saves.
    const current = second.data.view;
    const third = await parvina.call(
      "POST",
      `/api/samples/${id}/review`,
      decide(current, "accept", { messages: edit(current, "Илова аз Парвина.") }),
    );
    expect(third.status).toBe(200);
    const final = third.data.view;
    expect(final.sample.status).toBe("accepted");
    expect(final.sample.messages[1].content).toMatch(/Рустам\. Илова аз Парвина\.$/);
    expect(final.original[1].content).not.toContain("Илова");
    expect(
      final.diff[1].parts
        .filter((p: { op: string }) => p.op === "added")
        .map((p: { text: string }) => p.text)
        .join(""),
    ).toContain("Парвина");
  });

  it("reports Cohen's kappa and Krippendorff's alpha matching the hand-computed 0.4 and 14/33", async () => {
    const rustam = await signedIn("rustam");
    const parvina = await signedIn("parvina");
    const pattern = ["AA", "AA", "AA", "AA", "RR", "RR", "RR", "AR", "AR", "RA"];
    for (const [x, y] of pattern) {
      const a = (await rustam.call("POST", "/api/next", { task: "translate" })).data.view;
      const b = (await parvina.call("POST", "/api/next", { task: "translate" })).data.view;
      expect(b.sample.sample_id).toBe(a.sample.sample_id);
      await rustam.call(
        "POST",
        `/api/samples/${a.sample.sample_id}/review`,
        decide(a, x === "A" ? "accept" : "reject", { rating: 4 }),
      );
      await parvina.call(
        "POST",
        `/api/samples/${b.sample.sample_id}/review`,
        decide(b, y === "A" ? "accept" : "reject", { rating: 4 }),
      );
    }
    const report = (await (await signedIn("dilnoza")).call("GET", "/api/agreement")).data;
    const translate = report.find((r: { task: string }) => r.task === "translate");
    expect(translate.samples).toBe(10);
    expect(translate.alphaDecision).toBeCloseTo(14 / 33, 10);
    expect(translate.pairs).toEqual([
      { a: "parvina", b: "rustam", shared: 10, kappa: expect.closeTo(0.4, 10) },
    ]);
  });

  it("rate-limits failed sign-ins, even with the right password afterwards", async () => {
    const c = new Client(server.url);
    for (let i = 0; i < 3; i++) expect((await c.login("parvina", "неправильно!")).status).toBe(401);
    const limited = await c.login("parvina", PASSWORDS.parvina);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

/** A sign-in sent from a chosen loopback address (127.0.0.0/8 is all local), as a second machine would. */
function loginFrom(address: string, username: string, password: string): Promise<{ status: number }> {
  const url = new URL("/api/login", server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", localAddress: address, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ username, password }));
  });
}

describe("a hostile colleague", () => {
  it("cannot list another annotator's reviews; a lead can", async () => {
    const rustam = await signedIn("rustam");
    expect((await rustam.call("GET", "/api/queue?annotator=parvina")).status).toBe(403);
    expect((await rustam.call("GET", "/api/queue?annotator=rustam")).status).toBe(200);
    expect((await (await signedIn("dilnoza")).call("GET", "/api/queue?annotator=rustam")).status).toBe(200);
  });

  it("cannot lock the lead out from another address; that address backs off exponentially", async () => {
    const home = "127.0.0.1";
    expect((await loginFrom(home, "dilnoza", PASSWORDS.dilnoza)).status).toBe(200);
    const attacker = "127.0.0.9";
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await loginFrom(attacker, "dilnoza", "guess")).status);
    // Three free failures (the limit), then every try is refused while the back-off runs.
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
    // A new address with the right password gets in too (the account's own limit is higher).
    expect((await loginFrom("127.0.0.10", "dilnoza", PASSWORDS.dilnoza)).status).toBe(200);
    expect((await loginFrom(home, "dilnoza", PASSWORDS.dilnoza)).status).toBe(200);
  });

  it("refuses a state change with a CSRF token of the right length but wrong content", async () => {
    const c = await signedIn("rustam");
    c.csrf = `${c.csrf.slice(0, -1)}${c.csrf.endsWith("A") ? "B" : "A"}`;
    expect((await c.call("POST", "/api/logout")).status).toBe(403);
  });
});
