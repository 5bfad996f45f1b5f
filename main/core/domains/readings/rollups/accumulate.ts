import { RESOLUTIONS } from './resolutions';

const ALL = (1 << RESOLUTIONS.length) - 1;

/** What a run of readings sums up to. */
export interface Aggregates {
  count: number;
  min: number;
  max: number;
  sum: number;
  firstTs: number;
  firstValue: number;
  lastTs: number;
  lastValue: number;
}

/** One rollup bucket's aggregates, or what a batch adds to it. */
export interface RollupCell extends Aggregates {
  sensorKey: number;
  res: number;
  bucket: number;
}

/**
 * Folds a batch's stored readings into rollup cells, finest resolution
 * first. Readings must come grouped by sensor and ascending in time within
 * a sensor (the order the readings store writes them in), so each cell is
 * closed once the next reading falls outside it and every (sensor, res,
 * bucket) appears once.
 */
export class RollupAccumulator {
  private readonly open: Array<RollupCell | undefined> = new Array(RESOLUTIONS.length);
  readonly cells: RollupCell[] = [];

  /** `mask`: bit i set when the sensor keeps RESOLUTIONS[i] (fine-rollups.ts). */
  add(sensorKey: number, ts: number, value: number, mask = ALL): void {
    for (let i = 0; i < RESOLUTIONS.length; i++) {
      if ((mask & (1 << i)) === 0) continue;
      const res = RESOLUTIONS[i]!;
      const bucket = ts - (((ts % res) + res) % res);
      const cell = this.open[i];
      if (cell && cell.sensorKey === sensorKey && cell.bucket === bucket) {
        cell.count += 1;
        if (value < cell.min) cell.min = value;
        if (value > cell.max) cell.max = value;
        cell.sum += value;
        // Ascending within a sensor: this reading is the cell's latest.
        cell.lastTs = ts;
        cell.lastValue = value;
        continue;
      }
      if (cell) this.cells.push(cell);
      this.open[i] = { sensorKey, res, bucket, count: 1, min: value, max: value, sum: value, firstTs: ts, firstValue: value, lastTs: ts, lastValue: value };
    }
  }

  /** Every cell, the open ones closed. */
  finish(): RollupCell[] {
    for (let i = 0; i < this.open.length; i++) {
      const cell = this.open[i];
      if (cell) this.cells.push(cell);
      this.open[i] = undefined;
    }
    return this.cells;
  }
}

/** Two runs' union (of one sensor). */
export function merge(into: Aggregates, c: Aggregates): void {
  into.count += c.count;
  if (c.min < into.min) into.min = c.min;
  if (c.max > into.max) into.max = c.max;
  into.sum += c.sum;
  if (c.firstTs < into.firstTs) {
    into.firstTs = c.firstTs;
    into.firstValue = c.firstValue;
  }
  if (c.lastTs > into.lastTs) {
    into.lastTs = c.lastTs;
    into.lastValue = c.lastValue;
  }
}
