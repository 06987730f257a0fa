/**
 * Exponential back-off on failed sign-ins per key: the first `free` failures cost nothing, then each one doubles
 * the wait (from `baseMs`, at most `maxMs`), so guessing a password costs real time while a few typos do not. A key
 * with no failure for `forgetMs` starts over.
 */
export class LoginBackoff {
  private state = new Map<string, { fails: number; until: number; last: number }>();

  constructor(
    private readonly free = 5,
    private readonly baseMs = 2_000,
    private readonly maxMs = 15 * 60_000,
    private readonly forgetMs = 60 * 60_000,
  ) {}

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string, now = Date.now()): number {
    const s = this.current(key, now);
    return s && s.until > now ? Math.ceil((s.until - now) / 1000) : 0;
  }

  /** Records a failed attempt. */
  fail(key: string, now = Date.now()): void {
    const s = this.current(key, now) ?? { fails: 0, until: 0, last: now };
    s.fails++;
    s.last = now;
    if (s.fails >= this.free) s.until = now + Math.min(this.maxMs, this.baseMs * 2 ** (s.fails - this.free));
    this.state.set(key, s);
  }

  /** Forgets a key's failures after a successful sign-in. */
  clear(key: string): void {
    this.state.delete(key);
  }

  private current(key: string, now: number) {
    const s = this.state.get(key);
    if (s && now - s.last > this.forgetMs) {
      this.state.delete(key);
      return undefined;
    }
    return s;
  }
}
