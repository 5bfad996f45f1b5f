import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridge, type EventPush } from '../../../main/electron/event-bridge';
import { createLogger } from '../../../main/core/platform/log';
import { reading, startStation, type TestStation } from '../../helpers/station';

// The event stream the desktop window follows over IPC: the same events in
// the same order as the HTTP stream, replayed from a seq then live.

const T0 = Date.UTC(2024, 4, 1, 12);

describe('event bridge (IPC event subscriptions)', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  const waitFor = async (pushes: EventPush[], n: number) => {
    for (let i = 0; i < 200 && pushes.flatMap((p) => p.events).length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return pushes.flatMap((p) => p.events) as Array<{ seq: number; type: string }>;
  };

  it('replays after a seq, then forwards live events of the chosen types, until unsubscribed', async () => {
    const bridge = createEventBridge(s.station.backbone, createLogger({ level: 'silent' }));
    await s.request('POST', '/api/v1/data/ingest', { body: reading('br-1', T0, 1) });
    const pushes: EventPush[] = [];
    const sub = bridge.subscribe(7, ['readings.stored'], 0, (m) => pushes.push(m));
    expect(sub.ok).toBe(true);
    const id = (sub as { value: { subscription: string } }).value.subscription;
    expect((await waitFor(pushes, 1)).map((e) => e.type)).toEqual(['readings.stored']);
    await s.request('POST', '/api/v1/data/ingest', { body: reading('br-2', T0, 1) });
    const events = await waitFor(pushes, 2);
    expect(events.map((e) => e.type)).toEqual(['readings.stored', 'readings.stored']);
    expect(events[1]!.seq).toBeGreaterThan(events[0]!.seq);
    // Only the owner may end it.
    expect(bridge.unsubscribe(8, id)).toEqual({ ok: true, value: false });
    expect(bridge.unsubscribe(7, id)).toEqual({ ok: true, value: true });
    await s.request('POST', '/api/v1/data/ingest', { body: reading('br-3', T0, 1) });
    await new Promise((r) => setTimeout(r, 100));
    expect(pushes.flatMap((p) => p.events)).toHaveLength(2);
    expect(bridge.size).toBe(0);
  });

  it('refuses event types that are not in the contract, and ends a closed window\'s subscriptions', async () => {
    const bridge = createEventBridge(s.station.backbone, createLogger({ level: 'silent' }));
    const bad = bridge.subscribe(1, ['readings.stored', 'shell.exec'], null, () => undefined);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed', status: 422 } });
    expect(bridge.subscribe(1, ['readings.stored'], -4, () => undefined)).toMatchObject({ ok: false });
    bridge.subscribe(2, undefined, null, () => undefined);
    bridge.subscribe(2, ['sensor.registered'], null, () => undefined);
    expect(bridge.size).toBe(2);
    bridge.closeAll(2);
    expect(bridge.size).toBe(0);
  });
});
