/**
 * Slows down key guessing: after `limit` failed authentications from one
 * address within a minute, further attempts from it are refused until the
 * window passes. Successful requests are limited per key elsewhere.
 */
export class FailedAuthThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(private readonly limit = 30, private readonly windowMs = 60_000) {}

  /** Seconds to wait, or 0 when the address may try. */
  retryAfter(address: string, now: number): number {
    const f = this.failures.get(address);
    if (!f || now - f.windowStart >= this.windowMs) return 0;
    return f.count >= this.limit ? Math.ceil((f.windowStart + this.windowMs - now) / 1000) : 0;
  }

  fail(address: string, now: number): void {
    const f = this.failures.get(address);
    if (!f || now - f.windowStart >= this.windowMs) this.failures.set(address, { count: 1, windowStart: now });
    else f.count += 1;
    if (this.failures.size > 10_000) this.prune(now);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (now - f.windowStart >= this.windowMs) this.failures.delete(k);
  }
}
