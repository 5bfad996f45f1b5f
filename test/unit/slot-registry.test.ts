import { describe, expect, it } from 'vitest';
import { SlotRegistry } from '../../main/core/http/slot-registry';

describe('SlotRegistry (bodies being received)', () => {
  it('reuses the slot of a removed entry, so the array stops growing at the highest concurrency', () => {
    const r = new SlotRegistry<{ n: number }>();
    const a = { n: 1 };
    const b = { n: 2 };
    const sa = r.add(a);
    const sb = r.add(b);
    expect(sa).not.toBe(sb);
    r.remove(sa, a);
    const c = { n: 3 };
    expect(r.add(c)).toBe(sa);
    expect(r.size).toBe(2);
    const seen: number[] = [];
    r.forEach((e) => seen.push(e.n));
    expect(seen.sort()).toEqual([2, 3]);
  });

  it('ignores a removal by an entry whose slot was already given to another', () => {
    const r = new SlotRegistry<{ n: number }>();
    const a = { n: 1 };
    const slot = r.add(a);
    r.remove(slot, a);
    const b = { n: 2 };
    expect(r.add(b)).toBe(slot);
    // `a` is removed a second time (its response and its stream both ended): `b` stays.
    r.remove(slot, a);
    expect(r.size).toBe(1);
    const seen: number[] = [];
    r.forEach((e) => seen.push(e.n));
    expect(seen).toEqual([2]);
  });

  it('lets a visit remove the entry it is given, and visits every other entry once', () => {
    const r = new SlotRegistry<{ n: number }>();
    const entries = Array.from({ length: 50 }, (_, n) => ({ n }));
    const slots = entries.map((e) => r.add(e));
    const seen: number[] = [];
    r.forEach((e, slot) => {
      seen.push(e.n);
      if (e.n % 2 === 0) r.remove(slot, e);
    });
    expect(seen).toEqual(entries.map((e) => e.n));
    expect(r.size).toBe(25);
    expect(slots).toHaveLength(50);
    const left: number[] = [];
    r.forEach((e) => left.push(e.n));
    expect(left.every((n) => n % 2 === 1)).toBe(true);
  });
});
