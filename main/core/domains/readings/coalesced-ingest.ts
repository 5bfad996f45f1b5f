import type { ReadingInput } from '../../../../contract/readings';
import type { IssueDetail } from '../../platform/errors';
import type { Tx, WriteQueue } from '../../platform/write-queue';
import { conflictError, contradictionError, ItemStatus, type BatchSource, type Conflict, type StoreMode, type StoreOutcome } from './store';
import type { ValidReading } from './validate';

// Gateways send one reading per request, many requests at once. As a write
// job of its own, each paid for a whole batch to store one row: a savepoint,
// its sensor's lookup and statistics, three rollup rows and an event. Single
// readings that arrive before the next group commit are stored as one batch
// instead — one job, one `readings.stored` event — and each request still
// gets its own answer, as if it had been stored alone: stored, duplicate,
// conflict or contradiction, and the sensor it registered.
//
// Two things differ from storing each alone, both harmless: the batch's
// event carries no correlation id when it covers several requests (it has
// no single cause), and a reading refused for a conflict may still have
// taught its sensor a unit, type or asset the sensor lacked, as a partial
// batch does.

type Store = (tx: Tx, items: readonly ValidReading[], mode: StoreMode, batch: BatchSource, perItem: Uint8Array) => StoreOutcome;

interface Group {
  items: ValidReading[];
  correlationIds: string[];
  done?: Promise<GroupResult>;
}

interface GroupResult {
  outcome: StoreOutcome;
  statuses: Uint8Array;
  /** Item index → the sensor it registered (the first stored reading of a new sensor). */
  registeredBy: Map<number, string>;
}

/** An issue or conflict about item `index` of a merged batch, said of the one reading its request sent. */
function asOnly<T extends { index?: number; path?: string; field?: string }>(x: T): T {
  const out = { ...x, index: 0 };
  if (x.path !== undefined) out.path = `readings.0.${x.field}`;
  return out;
}

export class CoalescedIngest {
  /** The group the next commit will store; null once its job has started. */
  private open: Group | null = null;

  constructor(private readonly writer: WriteQueue, private readonly store: Store) {}

  /** Stores one valid reading with the others of this commit; resolves once durable, with this reading's own outcome. */
  async submit(reading: ReadingInput, mode: StoreMode, correlationId: string): Promise<StoreOutcome> {
    let group = this.open;
    if (!group) {
      const g: Group = { items: [], correlationIds: [] };
      g.done = this.writer.write((tx) => this.run(tx, g));
      group = this.open = g;
    }
    const index = group.items.length;
    group.items.push({ index, reading });
    group.correlationIds.push(correlationId);
    return answer(await group.done!, index, mode);
  }

  private run(tx: Tx, group: Group): GroupResult {
    if (this.open === group) this.open = null;
    const n = group.items.length;
    const statuses = new Uint8Array(n);
    const correlationId = n === 1 ? group.correlationIds[0]! : null;
    // Partial: one request's refusal must not refuse the others; atomic requests are answered from their own status.
    const outcome = this.store(tx, group.items, 'partial', { source: 'ingest', correlationId }, statuses);
    const registeredBy = new Map<number, string>();
    if (outcome.sensorsRegistered.length > 0) {
      const pending = new Set(outcome.sensorsRegistered);
      for (let i = 0; i < n && pending.size > 0; i++) {
        const id = group.items[i]!.reading.sensor_id;
        if (statuses[i] === ItemStatus.stored && pending.delete(id)) registeredBy.set(i, id);
      }
    }
    return { outcome, statuses, registeredBy };
  }
}

/** Item `index`'s outcome as its own request would have had it; atomic refusals throw as storeReadings does. */
function answer(r: GroupResult, index: number, mode: StoreMode): StoreOutcome {
  const status = r.statuses[index];
  const rejected: IssueDetail[] = status === ItemStatus.rejected ? r.outcome.rejected.filter((x) => x.index === index).map(asOnly) : [];
  const conflicts: Conflict[] = status === ItemStatus.conflict ? r.outcome.conflicts.filter((c) => c.index === index).map(asOnly) : [];
  if (mode === 'atomic' && rejected.length > 0) throw contradictionError(rejected);
  if (mode === 'atomic' && conflicts.length > 0) throw conflictError(conflicts);
  const registered = r.registeredBy.get(index);
  return {
    stored: status === ItemStatus.stored ? 1 : 0,
    duplicates: status === ItemStatus.duplicate ? 1 : 0,
    conflicts,
    rejected,
    sensorsRegistered: registered === undefined ? [] : [registered],
  };
}
