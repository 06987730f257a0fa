import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { Agent, errors as undiciErrors } from "undici";
import {
  type AddressPolicy,
  addressGuard,
  BlockedAddressError,
  checkLiteralHost,
  guardedLookup,
  type Resolver,
  systemResolver,
} from "./safety.js";

/** Fetcher settings: timeouts in milliseconds, sizes in bytes. */
export interface FetchSettings extends AddressPolicy {
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence between body chunks. */
  bodyTimeoutMs: number;
  /** Whole request, first byte to last: what stops a server that trickles bytes forever. */
  totalTimeoutMs: number;
  /** Body cap for pages (Common Crawl truncates at 1 MiB); the rest is dropped and the record marked truncated. */
  maxBodyBytes: number;
  /** Body cap for documents kept for other stages (PDF, DOCX). */
  maxDocumentBytes: number;
  /** Decoded/encoded ratio above which a compressed body is abandoned as a bomb. */
  maxDecompressionRatio: number;
}

/** One HTTP exchange as the crawler keeps it. The body is decoded (no Content-Encoding) and possibly truncated. */
export interface FetchResult {
  url: string;
  status: number;
  statusText: string;
  /** Response headers as received (lower-case names, repeated headers kept). */
  headers: Array<[string, string]>;
  body: Buffer;
  /** Why the body was cut short: `length` (size cap), `ratio` (decompression bomb), `time` (total timeout). */
  truncated: "length" | "ratio" | "time" | null;
  /** The Content-Encoding that was removed, if any. */
  contentEncoding: string | null;
  elapsedMs: number;
}

/** A fetch that produced no response: refused by the safety rules, timed out or failed on the network. */
export interface FetchFailure {
  url: string;
  error: string;
  kind: "blocked" | "timeout" | "network";
  elapsedMs: number;
}

/** Header value by name (first occurrence). */
export function header(res: Pick<FetchResult, "headers">, name: string): string | null {
  const n = name.toLowerCase();
  for (const [k, v] of res.headers) if (k === n) return v;
  return null;
}

/** Whether a content type is one the pdf or documents stages take rather than the HTML extractor. */
export function isDocumentType(contentType: string | null): boolean {
  return /^application\/(pdf|msword|vnd\.openxmlformats|vnd\.oasis\.opendocument|epub|x-djvu|rtf)|^image\/vnd\.djvu/i.test(
    contentType ?? "",
  );
}

/** Makes a zlib decoder for a Content-Encoding, or null when the body is identity-encoded. */
function decoderFor(encoding: string | null) {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "br":
      return createBrotliDecompress();
    case "deflate":
      return createInflate();
    default:
      return null;
  }
}

/** A polite HTTP client: guarded DNS and addresses, per-host connection cap, timeouts, size and ratio caps. */
export class Fetcher {
  private readonly agent: Agent;
  private readonly guard: (ip: string) => string | null;

  constructor(
    readonly settings: FetchSettings,
    resolver: Resolver = systemResolver,
    /** Connections per host (the crawl's politeness setting). */
    connectionsPerHost = 2,
  ) {
    this.guard = addressGuard(settings);
    this.agent = new Agent({
      connections: connectionsPerHost,
      connect: { timeout: settings.connectTimeoutMs, lookup: guardedLookup(this.guard, resolver) },
      headersTimeout: settings.headersTimeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /** Fetches one URL (no redirects followed: the crawler treats each hop as a frontier URL). */
  /** Fetches a URL; `maxBytes` caps the body whatever its type (robots.txt), instead of the caps by type. */
  async fetch(url: string, maxBytes?: number): Promise<FetchResult | FetchFailure> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const target = new URL(url);
    const literal = checkLiteralHost(target.hostname, this.guard);
    if (literal) return { url, error: literal, kind: "blocked", elapsedMs: 0 };
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.settings.totalTimeoutMs);
    try {
      const res = await this.agent.request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: "GET",
        headers: {
          "user-agent": this.settings.userAgent,
          accept: "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5",
          "accept-encoding": "gzip, deflate, br",
          "accept-language": "tg,ru;q=0.8,en;q=0.5",
        },
        signal: abort.signal,
      });
      const headers: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) headers.push([k, x]);
        else if (v !== undefined) headers.push([k, v]);
      }
      const partial = { url, status: res.statusCode, statusText: "", headers };
      const cap =
        maxBytes ??
        (isDocumentType(header(partial, "content-type"))
          ? this.settings.maxDocumentBytes
          : this.settings.maxBodyBytes);
      const encoding = header(partial, "content-encoding");
      const { body, truncated } = await this.readBody(res.body, encoding, cap, () => timedOut);
      return {
        ...partial,
        statusText: statusText(res.statusCode),
        body,
        truncated,
        contentEncoding: decoderFor(encoding) ? encoding : null,
        elapsedMs: elapsed(),
      };
    } catch (err) {
      return failure(url, err, timedOut, elapsed());
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads a body up to `cap` decoded bytes, abandoning bombs and stopping at the total timeout. */
  private async readBody(
    stream: AsyncIterable<Buffer> & { destroy(err?: Error): void },
    encoding: string | null,
    cap: number,
    isTimedOut: () => boolean,
  ): Promise<{ body: Buffer; truncated: FetchResult["truncated"] }> {
    const decoder = decoderFor(encoding);
    const out: Buffer[] = [];
    let outBytes = 0;
    let inBytes = 0;
    let truncated: FetchResult["truncated"] = null;
    const take = (chunk: Buffer): boolean => {
      const room = cap - outBytes;
      if (chunk.length >= room) {
        out.push(chunk.subarray(0, room));
        outBytes = cap;
        truncated = "length";
        return false;
      }
      out.push(chunk);
      outBytes += chunk.length;
      // A tiny compressed input may legitimately expand a lot; judge the ratio only past 64 KiB of output.
      if (decoder && outBytes > 65_536 && outBytes > inBytes * this.settings.maxDecompressionRatio) {
        truncated = "ratio";
        return false;
      }
      return true;
    };
    try {
      if (!decoder) {
        for await (const chunk of stream) if (!take(chunk)) break;
      } else {
        // Feed the decoder by hand so compressed bytes are counted as they arrive (for the ratio).
        const feeding = (async () => {
          for await (const chunk of stream) {
            inBytes += chunk.length;
            if (!decoder.write(chunk)) await new Promise((r) => decoder.once("drain", r));
            if (decoder.destroyed) break;
          }
          decoder.end();
        })();
        feeding.catch((err: Error) => decoder.destroy(err));
        for await (const chunk of decoder as AsyncIterable<Buffer>) if (!take(chunk)) break;
        decoder.destroy();
      }
    } catch (err) {
      if (isTimedOut()) truncated = "time";
      else if (decoder && out.length > 0) truncated = "length";
      else throw err;
    } finally {
      stream.destroy();
    }
    return { body: Buffer.concat(out), truncated };
  }

  /** Closes the connection pools. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Classifies a thrown error into a fetch failure. */
function failure(url: string, err: unknown, timedOut: boolean, elapsedMs: number): FetchFailure {
  let e = err as Error & { cause?: unknown; code?: string };
  if (!(e instanceof BlockedAddressError) && e?.cause instanceof BlockedAddressError) e = e.cause;
  if (e instanceof BlockedAddressError) return { url, error: e.message, kind: "blocked", elapsedMs };
  const timeout =
    timedOut ||
    e instanceof undiciErrors.ConnectTimeoutError ||
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError;
  const what = timedOut ? "total timeout" : `${e?.code ?? e?.name ?? "error"}: ${e?.message ?? String(err)}`;
  return { url, error: what, kind: timeout ? "timeout" : "network", elapsedMs };
}

/** The reason phrase of common status codes (WARC status lines need one; undici does not expose it). */
function statusText(code: number): string {
  const texts: Record<number, string> = {
    200: "OK",
    204: "No Content",
    206: "Partial Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[code] ?? "Unknown";
}

/** Whether a result is a failure (no response). */
export function isFailure(r: FetchResult | FetchFailure): r is FetchFailure {
  return "error" in r;
}
