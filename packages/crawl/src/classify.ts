import type { Politeness } from "./config.js";
import { type FetchFailure, type FetchResult, header, isDocumentType, isFailure } from "./fetcher.js";
import type { FrontierItem } from "./frontier.js";
import { isHtml } from "./page.js";

/** The settings a response's verdict depends on. */
export type RetryPolicy = Pick<Politeness, "maxRetries" | "backoffMs" | "maxRetryAfterMs"> & {
  maxRedirects: number;
};

/**
 * What one fetch means for its URL, decided from the status line and headers alone (the body is read after, by
 * what `body` names). Its fields are the frontier row's next state and the fetch log's outcome.
 */
export interface Outcome {
  /**
   * The fetch log's outcome: a failure's kind (`network`, `timeout`, `blocked`), `server-error`,
   * `retry-after-429`, `http-404`, `redirect`, ..., or for a body still to be read its kind (`sitemap`, `file`,
   * `page`), which the reader replaces by what it found.
   */
  outcome: string;
  /** The fetch log's error column (a failed fetch's message). */
  error: string | null;
  /** The frontier row's next status: `queued` again for a retry, or parked until a later run. */
  status: "done" | "failed" | "queued";
  reason: string;
  attempts: number;
  /** When a queued URL may be fetched again (0 when it is done). */
  nextAt: number;
  /** Retried in this run at `nextAt` (false for a URL parked beyond `maxRetryAfterMs` or out of retries). */
  retry: boolean;
  /** The server asked the whole host, not just this URL, to wait until then (429/503). */
  hostWaitUntil: number | null;
  /** What is read from the body next. */
  body: "none" | "redirect" | "sitemap" | "file" | "page";
  /** A redirect's Location header (when `body` is `redirect`). */
  location: string | null;
}

/** Exponential backoff with ±50% jitter, so retries of many URLs do not arrive together. */
export function backoffMs(base: number, attempt: number, random = Math.random): number {
  return Math.min(base * 2 ** attempt * (0.5 + random()), 30 * 60_000);
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Classifies one fetch of `item`: done, failed or queued again (with backoff, or the server's Retry-After), and
 * which reader its body goes to. Pure: `now` and `random` (the backoff's jitter) are arguments.
 */
export function classify(
  item: FrontierItem,
  res: FetchResult | FetchFailure,
  policy: RetryPolicy,
  now = Date.now(),
  random = Math.random,
): Outcome {
  const attempts = item.attempts + 1;
  const o: Outcome = {
    outcome: "",
    error: null,
    status: "done",
    reason: "",
    attempts,
    nextAt: 0,
    retry: false,
    hostWaitUntil: null,
    body: "none",
    location: null,
  };
  const done = (outcome: string, body: Outcome["body"] = "none"): Outcome =>
    Object.assign(o, { outcome, reason: outcome, body });
  const retryLater = (outcome: string, delay: number, reason: string): Outcome => {
    // A parked URL (Retry-After beyond the limit) stays queued for a later run but leaves this one.
    const parked = attempts > policy.maxRetries || delay > policy.maxRetryAfterMs;
    return Object.assign(o, {
      outcome,
      status: attempts > policy.maxRetries ? "failed" : "queued",
      reason,
      nextAt: now + delay,
      retry: !parked,
    });
  };
  const backoff = () => backoffMs(policy.backoffMs, attempts - 1, random);
  if (isFailure(res)) {
    o.error = res.error;
    if (res.kind === "blocked")
      return Object.assign(o, { outcome: res.kind, status: "failed", reason: res.error });
    return retryLater(res.kind, backoff(), res.error);
  }
  if (res.status === 429 || res.status === 503) {
    const wait = retryAfterMs(header(res, "retry-after"), now) ?? backoff();
    o.hostWaitUntil = now + Math.min(wait, policy.maxRetryAfterMs);
    return retryLater(`retry-after-${res.status}`, wait, `http ${res.status}`);
  }
  if (res.status >= 500) return retryLater("server-error", backoff(), `http ${res.status}`);
  if (res.status >= 300 && res.status < 400) {
    const location = header(res, "location");
    if (!location) return done("redirect-without-location");
    if (item.hops + 1 > policy.maxRedirects) return done("too-many-redirects");
    o.location = location;
    return done("redirect", "redirect");
  }
  if (res.status >= 400) return done(`http-${res.status}`);
  if (item.kind === "sitemap") return done("sitemap", "sitemap");
  const contentType = header(res, "content-type");
  if (isDocumentType(contentType)) return done("file", "file");
  if (!isHtml(contentType)) return done("skipped-type");
  return done("page", "page");
}
