import { timingSafeEqual } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Catalog, defined } from "@soro/core";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { EDU_MAX, EDU_MIN, EDU_TASK } from "./edu-ratings.js";
import { EDU_GUIDELINES, GUIDELINES, REJECT_REASONS } from "./guidelines.js";
import { verifyPassword } from "./passwords.js";
import { agreement, auditLog, facets, listQueue, progress, type ReviewFilters } from "./queries.js";
import { LoginBackoff } from "./ratelimit.js";
import { ReviewPublisher } from "./review-db.js";
import { ensureReviewTables } from "./schema.js";
import { ReviewError, SerialCatalog } from "./serial.js";
import { createSession, deleteSession, findSession, hashToken, type Session } from "./sessions.js";
import { ReviewState } from "./state.js";
import type { Role } from "./users.js";
import type { ReviewInput } from "./verdict.js";

/** How the review server runs. */
export interface ReviewServerOptions {
  catalog: Catalog;
  /** Reviews each sample needs before it is decided (default 2). */
  overlap?: number;
  /** Failed sign-ins allowed per address and user name in 15 minutes (default 5). */
  maxLoginFailures?: number;
  /** Marks the session cookie Secure (set behind HTTPS). */
  secureCookie?: boolean;
  /**
   * The workspace catalog file when `catalog` is the review database (see review-db.ts): the server then publishes
   * review state to it every `publishEveryMs` (default 5000) while the catalog is free.
   */
  publishTo?: string;
  publishEveryMs?: number;
}

const COOKIE = "soro_review";
const MAX_BODY = 1 << 20;
const UI_DIR = new URL("./ui/", import.meta.url);
// The page, its style sheet, and every ES module of the UI (app.js imports the others).
const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/assets/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
  ...Object.fromEntries(
    readdirSync(UI_DIR)
      .filter((f) => f.endsWith(".js"))
      .map((f) => [`/assets/${f}`, { file: f, type: "text/javascript; charset=utf-8" }]),
  ),
};

type Env = { Variables: { session: Session } };

/** Compares a secret sent by a client with the expected one in constant time (no timing hint of a prefix). */
function sameSecret(sent: string | undefined, expected: string): boolean {
  const a = Buffer.from(sent ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function filtersOf(q: Record<string, string | undefined>): ReviewFilters {
  return {
    task: q.task || undefined,
    subject: q.subject || undefined,
    grade: q.grade ? Number(q.grade) : undefined,
    status: (q.status || undefined) as ReviewFilters["status"],
    annotator: q.annotator || undefined,
    q: q.q || undefined,
  };
}

async function jsonBody<T>(c: Context): Promise<T> {
  try {
    return (await c.req.json()) as T;
  } catch {
    throw new ReviewError(400, "the request body must be JSON");
  }
}

function requireRole(c: Context<Env>, role: Role): Session {
  const s = c.get("session");
  if (role === "lead" && s.role !== "lead") throw new ReviewError(403, "for leads only");
  return s;
}

/**
 * The review app: static UI, sign-in, and the JSON API. Every `/api` route except sign-in needs a session cookie;
 * every state-changing request also needs the session's CSRF token in `X-CSRF-Token`.
 */
export function createReviewApp(opts: ReviewServerOptions): {
  app: Hono<Env>;
  serial: SerialCatalog;
  state: ReviewState;
} {
  const overlap = Math.max(1, opts.overlap ?? 2);
  const serial = new SerialCatalog(opts.catalog);
  const state = new ReviewState(serial, overlap);
  const maxFailures = opts.maxLoginFailures ?? 5;
  // Back-off per account and address: someone guessing elsewhere cannot lock a person out of their own computer.
  const pairLimiter = new LoginBackoff(maxFailures);
  // Per account from anywhere, but only for addresses the account never signed in from.
  const accountLimiter = new LoginBackoff(2 * maxFailures);
  // One address may mistype for several people (a shared school computer), but not guess across many accounts.
  const ipLimiter = new LoginBackoff(10 * maxFailures);
  const knownAddresses = new Map<string, Set<string>>();
  const sessions = new Map<string, Session>();
  const assets = Object.fromEntries(
    Object.entries(ASSETS).map(([route, a]) => [
      route,
      { body: readFileSync(new URL(a.file, UI_DIR), "utf8"), type: a.type },
    ]),
  );
  const app = new Hono<Env>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: "no-referrer",
    }),
  );
  // Bodies are small JSON with a declared length. Checking the header leaves the body to the handler that reads it
  // whole; hono's bodyLimit touches the body stream, so the adapter builds a full web Request for every request
  // (14% of the event loop's time in the load bench).
  app.use(async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    if (c.req.header("transfer-encoding"))
      return c.json({ error: "send the request body with a Content-Length" }, 411);
    if (Number(c.req.header("content-length") ?? 0) > MAX_BODY)
      return c.json({ error: "request too large" }, 413);
    return next();
  });
  app.onError((err, c) => {
    if (err instanceof ReviewError) return c.json({ error: err.message }, err.status);
    console.error(`soro sft review: ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? err}`);
    return c.json({ error: "internal error" }, 500);
  });

  for (const [route, a] of Object.entries(assets)) {
    app.get(route, (c) => c.body(a.body, 200, { "content-type": a.type, "cache-control": "no-cache" }));
  }

  app.post("/api/login", async (c) => {
    // Cross-site sign-in (login CSRF) is refused: browsers send Origin on every POST.
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin)
      throw new ReviewError(403, "cross-site request refused");
    const body = await jsonBody<{ username?: unknown; password?: unknown }>(c);
    const username = typeof body.username === "string" ? body.username.trim() : "";
    const password = typeof body.password === "string" ? body.password : "";
    const ip = getConnInfo(c).remote.address ?? "?";
    const account = username.toLowerCase();
    const pair = `${account}|${ip}`;
    const known = knownAddresses.get(account)?.has(ip) ?? false;
    const wait = Math.max(
      pairLimiter.retryAfter(pair),
      ipLimiter.retryAfter(ip),
      known ? 0 : accountLimiter.retryAfter(account),
    );
    if (wait > 0) {
      c.header("retry-after", String(wait));
      return c.json({ error: "too many failed sign-ins; wait and try again", retryAfter: wait }, 429);
    }
    const rows = await serial.run((cat) =>
      cat.rows(
        "SELECT username, display_name, role, password_hash FROM sft_review_users WHERE username = $1",
        [username],
      ),
    );
    const row = rows[0];
    // A missing account still costs one scrypt, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, String(row?.password_hash ?? "scrypt$32768$8$1$AAAA$AAAA"));
    if (!row || !ok) {
      pairLimiter.fail(pair);
      ipLimiter.fail(ip);
      accountLimiter.fail(account);
      return c.json({ error: "wrong user name or password" }, 401);
    }
    pairLimiter.clear(pair);
    knownAddresses.set(account, (knownAddresses.get(account) ?? new Set()).add(ip));
    const user = {
      username: String(row.username),
      display_name: String(row.display_name),
      role: row.role as Role,
    };
    const { token, session } = await serial.run((cat) => createSession(cat, user));
    sessions.set(session.tokenHash, session);
    setCookie(c, COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: opts.secureCookie ?? false,
      maxAge: Math.floor((session.expiresAt - Date.now()) / 1000),
    });
    return c.json({ user, csrf: session.csrf });
  });

  // Authentication for everything else under /api, CSRF token for every state-changing method.
  app.use("/api/*", async (c, next) => {
    const token = getCookie(c, COOKIE);
    if (!token) return c.json({ error: "sign in first" }, 401);
    const hash = hashToken(token);
    let session = sessions.get(hash) ?? (await serial.run((cat) => findSession(cat, hash)));
    if (session && session.expiresAt <= Date.now()) session = null;
    if (!session) {
      sessions.delete(hash);
      return c.json({ error: "session ended; sign in again" }, 401);
    }
    sessions.set(hash, session);
    if (
      c.req.method !== "GET" &&
      c.req.method !== "HEAD" &&
      !sameSecret(c.req.header("x-csrf-token"), session.csrf)
    )
      return c.json({ error: "missing or wrong CSRF token; reload the page" }, 403);
    c.set("session", session);
    await next();
  });

  app.post("/api/logout", async (c) => {
    const s = c.get("session");
    sessions.delete(s.tokenHash);
    await serial.run((cat) => deleteSession(cat, s.tokenHash));
    deleteCookie(c, COOKIE, { path: "/" });
    return c.json({ ok: true });
  });

  app.get("/api/me", (c) => {
    const s = c.get("session");
    return c.json({
      user: { username: s.username, display_name: s.display_name, role: s.role },
      csrf: s.csrf,
      overlap,
      reasons: REJECT_REASONS,
      guidelines: GUIDELINES,
      edu: { task: EDU_TASK, min: EDU_MIN, max: EDU_MAX, guidelines: EDU_GUIDELINES },
    });
  });

  app.get("/api/facets", async (c) => c.json(await serial.run((cat) => facets(cat))));

  app.get("/api/queue", async (c) => {
    const s = c.get("session");
    const filters = filtersOf(c.req.query());
    if (s.role !== "lead" && filters.annotator && filters.annotator !== s.username)
      throw new ReviewError(403, "only a lead sees another annotator's reviews");
    return c.json(await serial.run((cat) => listQueue(cat, s, filters)));
  });

  app.post("/api/next", async (c) => {
    const s = c.get("session");
    const body = await jsonBody<Record<string, string | undefined>>(c);
    return c.json({ view: await state.nextSample(s, filtersOf(body)) });
  });

  app.get("/api/samples/:id", async (c) => {
    const s = c.get("session");
    return c.json(await state.sampleView(s, c.req.param("id")));
  });

  app.post("/api/samples/:id/review", async (c) => {
    const s = c.get("session");
    const input = await jsonBody<ReviewInput>(c);
    const result = await state.submitReview(s, c.req.param("id"), input);
    return c.json(result, result.saved ? 200 : 409);
  });

  app.post("/api/samples/:id/adjudicate", async (c) => {
    const s = requireRole(c, "lead");
    const input = await jsonBody<ReviewInput>(c);
    const result = await state.adjudicate(s, c.req.param("id"), input);
    return c.json(result, result.saved ? 200 : 409);
  });

  app.get("/api/samples/:id/audit", async (c) => {
    requireRole(c, "lead");
    return c.json(await serial.run((cat) => auditLog(cat, c.req.param("id"))));
  });

  app.get("/api/progress", async (c) => {
    const s = c.get("session");
    return c.json(await serial.run((cat) => progress(cat, s)));
  });

  app.get("/api/agreement", async (c) => {
    requireRole(c, "lead");
    // NaN (undefined agreement) travels as null in JSON.
    return c.json(await serial.run((cat) => agreement(cat)));
  });

  app.get("/api/disagreements", async (c) => {
    const s = requireRole(c, "lead");
    const f = { ...filtersOf(c.req.query()), status: "needs_adjudication" as const };
    return c.json(await serial.run((cat) => listQueue(cat, s, f)));
  });

  app.all("/api/*", (c) => c.json({ error: "no such endpoint" }, 404));
  return { app, serial, state };
}

/** A running review server. */
export interface RunningReviewServer {
  url: string;
  port: number;
  serial: SerialCatalog;
  /** Publishes to the workspace catalog when the server runs over a review database. */
  publisher: ReviewPublisher | null;
  /** Stops the server; resolves with whether the workspace catalog holds every review (true without publisher). */
  close(): Promise<boolean>;
}

/** Starts the review server on 127.0.0.1 (or `host`) over an open catalog, which it uses until closed. */
export async function startReviewServer(
  opts: ReviewServerOptions & { port?: number; host?: string },
): Promise<RunningReviewServer> {
  await ensureReviewTables(opts.catalog);
  // The server's statements are small: DuckDB's worker threads would only take cores from the event loop (a
  // flush of 25 reviews took 28 ms with 2 threads, 13 ms with 1). The setting is put back on close.
  const setting = await opts.catalog.rows("SELECT current_setting('threads') AS n");
  const threads = Number(defined(setting[0], "DuckDB's threads setting").n);
  await opts.catalog.conn.run("SET threads = 1");
  const { app, serial, state } = createReviewApp(opts);
  const publisher = opts.publishTo
    ? await ReviewPublisher.start(opts.catalog, opts.publishTo, (ids) => state.addSamples(ids), {
        everyMs: opts.publishEveryMs,
      })
    : null;
  const host = opts.host ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? 0 }, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
        port,
        serial,
        publisher,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          })
            .then(() => serial.idle())
            .then(() => opts.catalog.conn.run(`SET threads = ${threads}`))
            .then(() => publisher?.close() ?? true),
      });
    });
  });
}
