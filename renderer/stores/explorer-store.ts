// Data Explorer state: the sensor list, which sensors are selected, the
// reading filters, the current page of readings (keyset cursors kept as a
// stack so Previous works) and the chart series of the focused sensor.
import { create } from 'zustand';
import type { InputOf, OutputOf } from '../../contract';
import type { SensorWire } from '../../contract/sensors';
import { invoke } from '../api/client';
import { localInputToIso } from '../format/time';

export type Reading = OutputOf<'readings.list'>['readings'][number];
export type Series = OutputOf<'readings.series'>;
export type Load = 'idle' | 'loading' | 'ready' | 'error';

export interface Filters {
  type: string;
  asset: string;
  /** `datetime-local` values, local wall time. */
  from: string;
  to: string;
}

export const PAGE_SIZES = [25, 50, 100, 500] as const;
const EMPTY_FILTERS: Filters = { type: '', asset: '', from: '', to: '' };

interface ExplorerState {
  sensors: SensorWire[];
  sensorsLoad: Load;
  /** Sensors the readings filter is limited to (none: all). */
  selected: string[];
  /** The sensor drawn in the chart. */
  focused: string | null;
  /** What the operator is typing. */
  filters: Filters;
  /** What the readings and chart currently show (set by Apply). */
  applied: Filters;
  order: 'asc' | 'desc';
  pageSize: number;
  /** Cursor that fetched each page so far; the last one is the current page. */
  cursors: (string | undefined)[];
  readings: Reading[];
  nextCursor: string | null;
  readingsLoad: Load;
  series: Series | null;
  seriesLoad: Load;
  sensorsError: unknown;
  readingsError: unknown;
  seriesError: unknown;
  loadSensors(): Promise<void>;
  /** New readings arrived: the sensor list, the readings page and the chart read again, without a loading state. */
  refresh(): Promise<void>;
  focus(id: string): void;
  toggleSelected(id: string): void;
  setFilters(patch: Partial<Filters>): void;
  applyFilters(): Promise<void>;
  clearFilters(): Promise<void>;
  setPageSize(size: number): Promise<void>;
  toggleOrder(): Promise<void>;
  nextPage(): Promise<void>;
  previousPage(): Promise<void>;
  loadSeries(points: number): Promise<void>;
  exportInput(): InputOf<'readings.export'>;
  reset(): void;
}

// Replies can overtake each other; only the newest request of a kind may write.
let readingsSeq = 0;
let seriesSeq = 0;
let sensorsSeq = 0;
/** Buckets the chart last asked for (its width), so a refresh draws the same. */
let seriesPoints = 0;

export const useExplorer = create<ExplorerState>()((set, get) => {
  function query() {
    const { selected, applied: filters, order } = get();
    return {
      ...(selected.length > 0 ? { sensor_id: selected } : {}),
      ...(filters.type.trim() ? { sensor_type: filters.type.trim() } : {}),
      ...(filters.asset.trim() ? { asset_id: filters.asset.trim() } : {}),
      ...(localInputToIso(filters.from) ? { from: localInputToIso(filters.from) } : {}),
      ...(localInputToIso(filters.to) ? { to: localInputToIso(filters.to) } : {}),
      order,
    };
  }

  async function fetchPage(cursors: (string | undefined)[], quiet = false): Promise<void> {
    const seq = ++readingsSeq;
    const cursor = cursors[cursors.length - 1];
    if (!quiet) set({ readingsLoad: 'loading' });
    try {
      const page = await invoke('readings.list', { ...query(), limit: get().pageSize, ...(cursor ? { cursor } : {}) });
      if (seq !== readingsSeq) return;
      set({ readings: page.readings, nextCursor: page.next_cursor, cursors, readingsLoad: 'ready', readingsError: null });
    } catch (error) {
      if (seq === readingsSeq) set({ readingsLoad: 'error', readingsError: error });
    }
  }

  /** The sensor list, then the readings: the first page, or (quiet, after new readings) the page on screen. */
  async function fetchSensors(quiet: boolean): Promise<void> {
    const seq = ++sensorsSeq;
    if (!quiet) set({ sensorsLoad: 'loading' });
    try {
      const { sensors } = await invoke('sensors.list', {});
      if (seq !== sensorsSeq) return;
      const { focused, selected } = get();
      const ids = new Set(sensors.map((s) => s.id));
      set({
        sensors,
        sensorsLoad: 'ready',
        sensorsError: null,
        selected: selected.filter((id) => ids.has(id)),
        focused: focused && ids.has(focused) ? focused : (sensors[0]?.id ?? null),
      });
      await fetchPage(quiet ? get().cursors : [undefined], quiet);
    } catch (error) {
      if (seq === sensorsSeq) set({ sensorsLoad: 'error', sensorsError: error });
    }
  }

  async function fetchSeries(points: number, quiet: boolean): Promise<void> {
    const { focused, applied } = get();
    const seq = ++seriesSeq;
    seriesPoints = points;
    if (!focused) {
      set({ series: null, seriesLoad: 'idle' });
      return;
    }
    if (!quiet) set({ seriesLoad: 'loading' });
    const from = localInputToIso(applied.from);
    const to = localInputToIso(applied.to);
    try {
      const series = await invoke('readings.series', {
        id: focused,
        points: Math.max(10, Math.min(10_000, Math.round(points))),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      if (seq === seriesSeq) set({ series, seriesLoad: 'ready', seriesError: null });
    } catch (error) {
      if (seq === seriesSeq) set({ seriesLoad: 'error', series: null, seriesError: error });
    }
  }

  return {
    sensors: [],
    sensorsLoad: 'idle',
    selected: [],
    focused: null,
    filters: EMPTY_FILTERS,
    applied: EMPTY_FILTERS,
    order: 'desc',
    pageSize: 50,
    cursors: [undefined],
    readings: [],
    nextCursor: null,
    readingsLoad: 'idle',
    series: null,
    seriesLoad: 'idle',
    sensorsError: null,
    readingsError: null,
    seriesError: null,

    async loadSensors() {
      await fetchSensors(false);
    },

    async refresh() {
      if (get().sensorsLoad === 'loading') return;
      await fetchSensors(true);
      if (seriesPoints > 0) await fetchSeries(seriesPoints, true);
    },

    focus(id) {
      if (get().focused === id && get().selected.length === 1 && get().selected[0] === id) return;
      set({ focused: id, selected: [id] });
      void fetchPage([undefined]);
    },

    toggleSelected(id) {
      const { selected } = get();
      const next = selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
      set({ selected: next, ...(next.includes(id) ? { focused: id } : {}) });
      void fetchPage([undefined]);
    },

    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
    },

    async applyFilters() {
      set({ applied: get().filters });
      await fetchPage([undefined]);
    },

    async clearFilters() {
      set({ filters: EMPTY_FILTERS, applied: EMPTY_FILTERS, selected: [] });
      await fetchPage([undefined]);
    },

    async setPageSize(size) {
      set({ pageSize: size });
      await fetchPage([undefined]);
    },

    async toggleOrder() {
      set({ order: get().order === 'asc' ? 'desc' : 'asc' });
      await fetchPage([undefined]);
    },

    async nextPage() {
      const { nextCursor, cursors } = get();
      if (nextCursor) await fetchPage([...cursors, nextCursor]);
    },

    async previousPage() {
      const { cursors } = get();
      if (cursors.length > 1) await fetchPage(cursors.slice(0, -1));
    },

    async loadSeries(points) {
      await fetchSeries(points, false);
    },

    exportInput() {
      const { order: _order, ...q } = query();
      // The BOM makes Excel read the file as UTF-8.
      return { ...q, order: 'asc', bom: true };
    },

    reset() {
      readingsSeq++;
      seriesSeq++;
      sensorsSeq++;
      seriesPoints = 0;
      set({
        sensors: [], sensorsLoad: 'idle', selected: [], focused: null, filters: EMPTY_FILTERS, applied: EMPTY_FILTERS, order: 'desc',
        pageSize: 50, cursors: [undefined], readings: [], nextCursor: null, readingsLoad: 'idle', series: null, seriesLoad: 'idle',
        sensorsError: null, readingsError: null, seriesError: null,
      });
    },
  };
});
