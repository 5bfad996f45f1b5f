/**
 * Counts failed authentications per address. Only attempts that presented a
 * credential count: a request without one guesses nothing (and any web page
 * can make a browser send such requests to 127.0.0.1). Past `limit`
 * failures in a minute, a further *wrong* credential from that address is
 * answered 429 and the costly scrypt check is skipped for it; a valid
 * credential is never refused because someone else failed.
 */
export class FailedAuthThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(private readonly limit = 30, private readonly windowMs = 60_000) {}

  /** Seconds until the address is trusted again, or 0 when it is not throttled. */
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
