import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installRateLimit, MAX_KEYS, WINDOW_MS } from '../../main/core/http/rate-limit';
import { FixedWindowCounter } from '../../main/core/platform/fixed-window';
import { installErrorHandling } from '../../main/core/http/error-handler';

describe('fixed-window counter', () => {
  it('counts per key and starts a new window once the old one has passed', () => {
    const c = new FixedWindowCounter(WINDOW_MS, MAX_KEYS);
    expect(c.hit('a', 0).count).toBe(1);
    expect(c.hit('a', 10).count).toBe(2);
    expect(c.hit('b', 10).count).toBe(1);
    expect(c.hit('a', WINDOW_MS - 1).count).toBe(3);
    const w = c.hit('a', WINDOW_MS);
    expect(w.count).toBe(1);
    expect(w.resetAt).toBe(2 * WINDOW_MS);
  });

  it('holds at most its number of keys, dropping expired windows first, else the oldest', () => {
    const c = new FixedWindowCounter(WINDOW_MS, 10);
    for (let i = 0; i < 10; i++) c.hit(`k${i}`, i * 1000);
    // None has expired: the oldest tenth goes, and the newest keep their counts.
    c.hit('new', 20_000);
    expect(c.size).toBe(10);
    expect(c.hit('k9', 20_000).count).toBe(2);
    expect(c.hit('k0', 20_000).count).toBe(1);
    // Much later every window has expired: they all go at once.
    c.evict(10 * WINDOW_MS);
    expect(c.size).toBe(0);
  });

  it('keeps live windows through the periodic sweep, so a limited caller is not reset early', () => {
    const c = new FixedWindowCounter(WINDOW_MS, MAX_KEYS);
    for (let i = 0; i < 3; i++) c.hit('only', 0);
    // No window has expired: the sweep drops nothing (making room would drop the oldest).
    c.prune(WINDOW_MS / 2);
    expect(c.size).toBe(1);
    expect(c.hit('only', WINDOW_MS / 2).count).toBe(4);
    c.prune(WINDOW_MS);
    expect(c.size).toBe(0);
  });
});

describe('rate-limit hook', () => {
  async function app(limit: number, clock: { t: number }) {
    const a = Fastify();
    installErrorHandling(a);
    const rate = installRateLimit(a, {
      keyOf: (req) => String(req.headers['x-caller'] ?? req.ip),
      limitOf: () => limit,
      message: (_req, l, s) => `limit ${l}; retry in ${s} s`,
      now: () => clock.t,
    });
    a.addHook('onClose', async () => rate.close());
    a.get('/x', async () => ({ ok: true }));
    await a.ready();
    return a;
  }

  it('refuses past the limit with 429, Retry-After and the X-RateLimit headers, per caller, until the window passes', async () => {
    const clock = { t: 1_000_000 };
    const a = await app(3, clock);
    try {
      const get = (caller: string) => a.inject({ method: 'GET', url: '/x', headers: { 'x-caller': caller } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await get('one')).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // A successful answer carries no rate-limit headers.
      const ok = await get('two');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBeUndefined();

      clock.t += 45_000;
      const refused = await get('one');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('15');
      expect(refused.headers['x-ratelimit-limit']).toBe('3');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(refused.json().error).toMatchObject({ code: 'rate_limited', message: 'limit 3; retry in 15 s', details: { limit_per_minute: 3, retry_after_s: 15 } });

      clock.t += 15_000;
      expect((await get('one')).statusCode).toBe(200);
    } finally {
      await a.close();
    }
  });
});
