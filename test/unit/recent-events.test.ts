import { describe, expect, it } from 'vitest';
import { RecentEvents } from '../../main/core/backbone/recent-events';
import type { StoredEvent } from '../../main/core/platform/write-queue';

// The dispatcher's window of acknowledged events: it answers only for seqs
// it is sure to hold every event above, and says so otherwise.

const ev = (seq: number, type = 'readings.stored', local?: unknown): StoredEvent =>
  ({ seq, id: `e${seq}`, type, time: 0, correlationId: null, causationId: null, payload: {}, ...(local !== undefined ? { local } : {}) }) as StoredEvent;
const types = new Set(['readings.stored']);

describe('RecentEvents', () => {
  it('serves events above its starting head, of the types asked for, in order and up to the limit', () => {
    const w = new RecentEvents();
    w.reset(10);
    w.add([ev(11), ev(12, 'sensor.registered'), ev(14)]);
    w.add([ev(15)]);
    expect(w.after(10, 100, types)!.map((e) => e.seq)).toEqual([11, 14, 15]);
    expect(w.after(11, 2, types)!.map((e) => e.seq)).toEqual([14, 15]);
    expect(w.after(15, 100, types)).toEqual([]);
    // Below where it started it cannot say.
    expect(w.after(9, 100, types)).toBeUndefined();
  });

  it('stops answering below events another process wrote, and below what it let go', () => {
    const w = new RecentEvents(3);
    w.reset(0);
    w.add([ev(1), ev(2)]);
    w.foreign(5);
    expect(w.after(2, 10, types)).toBeUndefined();
    w.add([ev(6), ev(7)]);
    expect(w.after(5, 10, types)!.map((e) => e.seq)).toEqual([6, 7]);
    w.add([ev(8)]); // holds 6, 7, 8 only now; 2 was let go
    expect(w.after(5, 10, types)!.map((e) => e.seq)).toEqual([6, 7, 8]);
    w.add([ev(9)]);
    expect(w.after(5, 10, types)).toBeUndefined();
    expect(w.after(6, 10, types)!.map((e) => e.seq)).toEqual([7, 8, 9]);
  });

  it('keeps the in-memory rows of the newest events only', () => {
    const w = new RecentEvents(1024, 2);
    w.reset(0);
    w.add([ev(1, 'readings.stored', 'a'), ev(2, 'readings.stored', 'b')]);
    w.add([ev(3, 'readings.stored', 'c')]);
    expect([w.local(1), w.local(2), w.local(3), w.local(4)]).toEqual([undefined, 'b', 'c', undefined]);
  });
});
