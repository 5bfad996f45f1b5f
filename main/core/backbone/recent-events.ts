import type { StoredEvent } from '../platform/write-queue';

// The events this process committed lately, as they were acknowledged
// (durable), in seq order: a consumer that is keeping up takes its next
// events from here instead of reading them back from the outbox and
// parsing their JSON again — that read-back was a twentieth of the serving
// thread's time under single-reading ingest. The window speaks only for
// seqs above `complete`: below it lie events it never saw (written before
// the station started, or by another process such as the CLI, noticed when
// a transaction begins) or let go; a consumer that far behind reads the
// outbox as before. Events are shared by every consumer: read-only.

export class RecentEvents {
  private list: StoredEvent[] = [];
  private complete = 0;

  constructor(
    private readonly kept = 1024,
    /** Only the newest few keep their in-memory `local` (a batch's stored rows can be large). */
    private readonly localsKept = 64,
  ) {}

  /** Starts over: every event up to `head` is in the outbox, none here. */
  reset(head: number): void {
    this.list = [];
    this.complete = head;
  }

  /** Another writer appended events up to `head`: those are only in the outbox. */
  foreign(head: number): void {
    if (head > this.complete) this.complete = head;
  }

  /** Acknowledged events, in seq order. */
  add(events: readonly StoredEvent[]): void {
    for (const e of events) {
      const last = this.list[this.list.length - 1];
      if (last && e.seq <= last.seq) continue;
      this.list.push({ ...e });
    }
    const n = this.list.length;
    for (let i = Math.max(0, n - this.localsKept - events.length); i < n - this.localsKept; i++) delete this.list[i]!.local;
    if (n > this.kept) {
      const dropped = this.list.splice(0, n - this.kept);
      this.foreign(dropped[dropped.length - 1]!.seq);
    }
  }

  /**
   * Up to `limit` events of `types` after `seq`, or undefined when the window
   * cannot say (the caller reads the outbox).
   */
  after(seq: number, limit: number, types: ReadonlySet<string>): StoredEvent[] | undefined {
    if (seq < this.complete) return undefined;
    const out: StoredEvent[] = [];
    for (let i = this.firstAfter(seq); i < this.list.length && out.length < limit; i++) {
      const e = this.list[i]!;
      if (types.has(e.type)) out.push(e);
    }
    return out;
  }

  /** The in-memory `local` of an event still held, if any. */
  local(seq: number): unknown {
    const i = this.firstAfter(seq - 1);
    const e = this.list[i];
    return e && e.seq === seq ? e.local : undefined;
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
