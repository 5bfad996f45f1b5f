import { FixedWindowCounter } from '../../platform/fixed-window';

/**
 * Counts failed authentications per address. Only attempts that presented a
 * credential count: a request without one guesses nothing (and any web page
 * can make a browser send such requests to 127.0.0.1). Past `limit`
 * failures in a minute, a further *wrong* credential from that address is
 * answered 429 and the costly scrypt check is skipped for it; a valid
 * credential is never refused because someone else failed.
 */
export class FailedAuthThrottle {
  private readonly failures: FixedWindowCounter;

  constructor(private readonly limit = 30, windowMs = 60_000) {
    this.failures = new FixedWindowCounter(windowMs, 10_000);
  }

  /** Seconds until the address is trusted again, or 0 when it is not throttled. */
  retryAfter(address: string, now: number): number {
    const f = this.failures.current(address, now);
    return f !== undefined && f.count >= this.limit ? Math.ceil((f.resetAt - now) / 1000) : 0;
  }

  fail(address: string, now: number): void {
    this.failures.hit(address, now);
  }
}
