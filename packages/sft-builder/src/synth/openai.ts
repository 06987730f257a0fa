import { setTimeout as sleep } from "node:timers/promises";
import { configHash, SoroError } from "@soro/core";
import PQueue from "p-queue";
import { errors, Pool } from "undici";
import type { ChatMessage } from "../samples/schema.js";
import { type CachedAnswer, PromptCache } from "./cache.js";

/** How to reach an OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama, a hosted API). */
export interface OpenAIEngineOptions {
  /** Base URL including the version prefix, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Retries of one prompt after a 429, a 5xx, a timeout, a reset or a malformed body (default 5). */
  maxRetries?: number;
  /** First backoff in ms, doubled per retry with jitter, capped at 30 s (default 500). */
  backoffMs?: number;
  /** Time allowed for the answer's headers and between body chunks, ms (default 120 s). */
  timeoutMs?: number;
  temperature?: number;
  maxTokens?: number;
  /** Price per million prompt and completion tokens, for the cost ledger (default 0). */
  price?: { prompt: number; completion: number };
  /** JSONL cache of answers keyed by prompt hash. */
  cacheFile: string;
}

/** What the engine spent: requests made, answers served from cache, retries, failures, tokens and cost. */
export interface Ledger {
  requests: number;
  cached: number;
  retries: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

/** One answer and whether it came from the cache. */
export interface ChatAnswer extends CachedAnswer {
  hash: string;
  cached: boolean;
}

/** A failure worth another try (rate limit, server error, timeout, broken or malformed answer). */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date), if given. */
function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** The timeout and connection errors of undici that a retry can cure. */
const TRANSIENT = [
  errors.HeadersTimeoutError,
  errors.BodyTimeoutError,
  errors.SocketError,
  errors.ConnectTimeoutError,
];

/**
 * An OpenAI-compatible chat engine over an undici connection pool: bounded concurrency, retries with
 * exponential backoff (honouring Retry-After), a token and cost ledger, and a prompt-hash cache so that a rerun
 * or a resumed crash never pays for a prompt twice. Identical prompts in flight share one request.
 */
export class OpenAIEngine {
  readonly ledger: Ledger = {
    requests: 0,
    cached: 0,
    retries: 0,
    failures: 0,
    promptTokens: 0,
    completionTokens: 0,
    cost: 0,
  };
  private readonly queue: PQueue;
  private readonly inflight = new Map<string, Promise<ChatAnswer>>();
  private readonly path: string;

  private constructor(
    readonly opts: OpenAIEngineOptions,
    private readonly pool: Pool,
    private readonly cache: PromptCache,
  ) {
    this.queue = new PQueue({ concurrency: opts.concurrency ?? 8 });
    this.path = `${new URL(opts.baseUrl).pathname.replace(/\/$/, "")}/chat/completions`;
  }

  /** Opens the engine and its cache. */
  static async open(opts: OpenAIEngineOptions): Promise<OpenAIEngine> {
    const url = new URL(opts.baseUrl);
    const timeout = opts.timeoutMs ?? 120_000;
    const pool = new Pool(url.origin, {
      connections: opts.concurrency ?? 8,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: 30_000,
    });
    return new OpenAIEngine(opts, pool, await PromptCache.open(opts.cacheFile));
  }

  /** The engine's name as samples record it. */
  get name(): string {
    return `openai:${this.opts.model}`;
  }

  /** The cache key of a prompt: model, sampling settings and messages. */
  promptHash(messages: ChatMessage[]): string {
    return configHash({
      model: this.opts.model,
      temperature: this.opts.temperature ?? null,
      maxTokens: this.opts.maxTokens ?? null,
      messages,
    });
  }

  /** Whether a prompt's answer is already cached. */
  isCached(messages: ChatMessage[]): boolean {
    return this.cache.get(this.promptHash(messages)) !== undefined;
  }

  /** The model's answer to a prompt: from the cache, or asked (queued under the concurrency limit, retried). */
  chat(messages: ChatMessage[]): Promise<ChatAnswer> {
    const hash = this.promptHash(messages);
    const hit = this.cache.get(hash);
    if (hit) {
      this.ledger.cached++;
      return Promise.resolve({ ...hit, hash, cached: true });
    }
    let p = this.inflight.get(hash);
    if (!p) {
      p = this.queue.add(() => this.ask(hash, messages)).finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, p);
    }
    return p;
  }

  private async ask(hash: string, messages: ChatMessage[]): Promise<ChatAnswer> {
    const max = this.opts.maxRetries ?? 5;
    const base = this.opts.backoffMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.once(messages);
        await this.cache.put(hash, answer);
        this.ledger.promptTokens += answer.promptTokens;
        this.ledger.completionTokens += answer.completionTokens;
        const price = this.opts.price;
        if (price)
          this.ledger.cost +=
            (answer.promptTokens * price.prompt + answer.completionTokens * price.completion) / 1e6;
        return { ...answer, hash, cached: false };
      } catch (err) {
        const retryable = err instanceof Retryable || TRANSIENT.some((E) => err instanceof E);
        if (!retryable || attempt >= max) {
          this.ledger.failures++;
          throw err instanceof SoroError
            ? err
            : new SoroError(
                `soro sft: ${this.opts.baseUrl} failed after ${attempt + 1} attempt(s): ${(err as Error).message}`,
                "check that the endpoint is up and the model name is right, then rerun (answers so far are cached)",
              );
        }
        this.ledger.retries++;
        const backoff = Math.min(30_000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
        await sleep(err instanceof Retryable && err.retryAfterMs !== undefined ? err.retryAfterMs : backoff);
      }
    }
  }

  /** One request; throws Retryable for what another try may cure, SoroError for what it cannot. */
  private async once(messages: ChatMessage[]): Promise<CachedAnswer> {
    this.ledger.requests++;
    const body: Record<string, unknown> = { model: this.opts.model, messages };
    if (this.opts.temperature !== undefined) body.temperature = this.opts.temperature;
    if (this.opts.maxTokens !== undefined) body.max_tokens = this.opts.maxTokens;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    const res = await this.pool.request({
      path: this.path,
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode === 429 || res.statusCode >= 500)
      throw new Retryable(`HTTP ${res.statusCode}`, retryAfter(res.headers["retry-after"]));
    if (res.statusCode >= 400)
      throw new SoroError(
        `soro sft: ${this.opts.baseUrl} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
        "check the model name, the API key (SORO_SFT_API_KEY) and the endpoint URL",
      );
    let json: {
      choices?: Array<{ message?: { content?: unknown } }>;
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Retryable(`malformed JSON answer: ${text.slice(0, 80)}`);
    }
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== "string") throw new Retryable("answer without choices[0].message.content");
    return {
      content,
      promptTokens: json.usage?.prompt_tokens ?? 0,
      completionTokens: json.usage?.completion_tokens ?? 0,
    };
  }

  /** Waits for queued requests, then closes the pool and the cache. */
  async close(): Promise<void> {
    await this.queue.onIdle();
    await this.pool.close();
    await this.cache.close();
  }
}
