// The train form of the Models tab and the job it starts: ml.train returns
// a job, which is polled (ml.jobs.get) until it succeeds, fails or is
// cancelled; success refreshes the registry and marks the new version.
import { create } from 'zustand';
import type { InputOf } from '../../contract';
import type { JobWire, ModelKind } from '../../contract/models';
import type { SensorWire } from '../../contract/sensors';
import { ApiError } from '../api/api-error';
import { invoke } from '../api/client';
import { localInputToIso } from '../format/time';
import { parseDecimal, parseWhole } from '../format/number-input';
import { groupIssues, type FieldErrors } from './ingest-store';
import { useModels } from './models-store';
import { useSession } from './session-store';

export const POLL_MS = 500;
/** The contract's limit on an uploaded run-to-failure file. */
export const MAX_CSV_BYTES = 30 * 1024 * 1024;

export interface CsvFile {
  name: string;
  size: number;
  text: string;
  /** Column names of the header row, when it could be read. */
  columns: string[];
  sep: string;
}

export interface TrainForm {
  kind: ModelKind;
  asset: string;
  sensor: string;
  assetCol: string;
  timeCol: string;
  cap: string;
  dataset: string;
  /** Training window (`datetime-local`, local time); empty: all history. */
  from: string;
  to: string;
  epochs: string;
  seed: string;
  name: string;
  /** Anomaly models: follow slow healthy drift over about this many readings; empty: not at all. */
  baselineRows: string;
}

export type TrainField = keyof TrainForm | 'csv';
/** Local problems, as i18n keys under models.train.invalid. */
export type LocalProblem = 'required' | 'epochs' | 'seed' | 'cap' | 'csvTooLarge' | 'csvEmpty' | 'range' | 'baselineRows';

const TERMINAL = new Set<JobWire['state']>(['succeeded', 'failed', 'cancelled', 'interrupted']);
export const isActive = (job: JobWire | null): boolean => job !== null && !TERMINAL.has(job.state);

interface TrainingState {
  /** What can be trained on: assets and sensors of this station. */
  sensors: SensorWire[];
  sensorsError: unknown;
  form: TrainForm;
  csv: CsvFile | null;
  /** Local checks (i18n keys) per field. */
  problems: Partial<Record<TrainField, LocalProblem>>;
  /** The station's own messages per field (422). */
  fieldErrors: FieldErrors;
  submitting: boolean;
  trainError: unknown;
  job: JobWire | null;
  pollError: unknown;
  cancelling: boolean;
  cancelError: unknown;
  /** The station's recent jobs of every state, newest first (ml.jobs.list), so a reload loses none. */
  jobs: JobWire[];
  jobsError: unknown;
  loadSensors(): Promise<void>;
  loadJobs(): Promise<void>;
  setField<K extends keyof TrainForm>(field: K, value: TrainForm[K]): void;
  /** Fills the form for a model that should be retrained. */
  prepare(kind: ModelKind, target: string): void;
  setCsv(file: File | null): Promise<void>;
  start(): Promise<void>;
  cancel(): Promise<void>;
  /** Reads the recent jobs and follows one still running on the station (after a reload). */
  resume(): Promise<void>;
  dismissJob(): void;
  reset(): void;
}

const blankForm = (): TrainForm => ({ kind: 'anomaly', asset: '', sensor: '', assetCol: '', timeCol: '', cap: '', dataset: '', from: '', to: '', epochs: '', seed: '', name: '', baselineRows: '' });

/** The separator of a header line: the one of , ; tab | that splits it into the most columns. */
export function readHeader(text: string): { columns: string[]; sep: string } {
  const line = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').trim();
  let best = { columns: line ? [line] : [], sep: ',' };
  for (const sep of [',', ';', '\t', '|']) {
    const columns = line.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (columns.length > best.columns.length) best = { columns, sep };
  }
  return best;
}

/** Asset ids that have sensors, sorted. */
export function assetIds(sensors: readonly SensorWire[]): string[] {
  return [...new Set(sensors.map((s) => s.asset_id).filter((a): a is string => !!a))].sort();
}

const guess = (columns: string[], re: RegExp) => columns.find((c) => re.test(c)) ?? '';

let pollTimer: ReturnType<typeof setTimeout> | undefined;
let pollSeq = 0;

export const useTraining = create<TrainingState>()((set, get) => {
  function stopPolling() {
    pollSeq++;
    clearTimeout(pollTimer);
  }

  function follow(job: JobWire) {
    stopPolling();
    const seq = pollSeq;
    set({ job, pollError: null });
    if (!isActive(job)) return void finished(job);
    const tick = async () => {
      if (seq !== pollSeq) return;
      try {
        const next = await invoke('ml.jobs.get', { id: job.id });
        if (seq !== pollSeq) return;
        set({ job: next, pollError: null });
        if (!isActive(next)) return void finished(next);
      } catch (err) {
        if (seq !== pollSeq) return;
        set({ pollError: err });
        // The station restarted and forgot the job: waiting longer will not bring it back.
        if (err instanceof ApiError && err.status === 404) return;
      }
      pollTimer = setTimeout(() => void tick(), POLL_MS);
    };
    pollTimer = setTimeout(() => void tick(), POLL_MS);
  }

  function finished(job: JobWire) {
    void get().loadJobs();
    if (job.state === 'succeeded' && job.model_version !== null) void useModels.getState().showNewVersion(job.model_name, job.model_version);
    else void useModels.getState().loadHealth();
  }

  function validate(): { input: InputOf<'ml.train'> | null; problems: TrainingState['problems'] } {
    const { form: f, csv } = get();
    const problems: TrainingState['problems'] = {};
    const epochs = parseWhole(f.epochs, 1, 500);
    const seed = parseWhole(f.seed, 0, 2 ** 31 - 1);
    if (Number.isNaN(epochs)) problems.epochs = 'epochs';
    if (Number.isNaN(seed)) problems.seed = 'seed';
    const common = {
      ...(epochs !== undefined && !Number.isNaN(epochs) ? { epochs } : {}),
      ...(seed !== undefined && !Number.isNaN(seed) ? { seed } : {}),
      ...(f.name.trim() ? { model_name: f.name.trim() } : {}),
    };
    const from = localInputToIso(f.from);
    const to = localInputToIso(f.to);
    if (from && to && from > to) problems.to = 'range';
    const window = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    let input: InputOf<'ml.train'>;
    if (f.kind === 'anomaly') {
      if (!f.asset) problems.asset = 'required';
      const baselineRows = parseWhole(f.baselineRows, 0, 100_000_000);
      if (Number.isNaN(baselineRows)) problems.baselineRows = 'baselineRows';
      input = { kind: 'anomaly', asset_id: f.asset, ...window, ...common, ...(baselineRows !== undefined && !Number.isNaN(baselineRows) ? { baseline_rows: baselineRows } : {}) };
    } else if (f.kind === 'forecast') {
      if (!f.sensor) problems.sensor = 'required';
      input = { kind: 'forecast', sensor_id: f.sensor, ...window, ...common };
    } else {
      const cap = parseDecimal(f.cap);
      if (cap !== undefined && !(cap > 0)) problems.cap = 'cap';
      if (!csv) problems.csv = 'required';
      else if (csv.size > MAX_CSV_BYTES) problems.csv = 'csvTooLarge';
      if (!f.assetCol.trim()) problems.assetCol = 'required';
      if (!f.timeCol.trim()) problems.timeCol = 'required';
      input = {
        kind: 'rul',
        csv: csv?.text ?? '',
        asset_col: f.assetCol.trim(),
        time_col: f.timeCol.trim(),
        ...(csv && csv.sep !== ',' ? { sep: csv.sep } : {}),
        ...(cap !== undefined && cap > 0 ? { cap } : {}),
        ...(f.dataset.trim() ? { dataset: f.dataset.trim() } : {}),
        ...common,
      };
    }
    return { input: Object.keys(problems).length > 0 ? null : input, problems };
  }

  return {
    sensors: [],
    sensorsError: null,
    form: blankForm(),
    csv: null,
    problems: {},
    fieldErrors: {},
    submitting: false,
    trainError: null,
    job: null,
    pollError: null,
    cancelling: false,
    cancelError: null,
    jobs: [],
    jobsError: null,

    async loadSensors() {
      try {
        const { sensors } = await invoke('sensors.list', {});
        const f = get().form;
        const assets = assetIds(sensors);
        // Preselect the first choice, so one tap on Start is enough for a single-asset station.
        const asset = assets.includes(f.asset) ? f.asset : (assets[0] ?? '');
        const sensor = sensors.some((x) => x.id === f.sensor) ? f.sensor : (sensors[0]?.id ?? '');
        set({ sensors, sensorsError: null, form: { ...f, asset, sensor } });
      } catch (err) {
        set({ sensorsError: err });
      }
    },

    setField(field, value) {
      const problems = { ...get().problems };
      delete problems[field];
      set({ form: { ...get().form, [field]: value }, problems, fieldErrors: { ...get().fieldErrors, [field]: undefined } });
    },

    prepare(kind, target) {
      const form = { ...get().form, kind, ...(kind === 'anomaly' ? { asset: target } : kind === 'forecast' ? { sensor: target } : { dataset: target }) };
      set({ form, problems: {}, fieldErrors: {}, trainError: null });
    },

    async setCsv(file) {
      const problems = { ...get().problems };
      delete problems.csv;
      if (!file) return set({ csv: null, problems });
      if (file.size > MAX_CSV_BYTES) return set({ csv: { name: file.name, size: file.size, text: '', columns: [], sep: ',' }, problems: { ...problems, csv: 'csvTooLarge' } });
      const text = await file.text();
      if (!text.trim()) return set({ csv: null, problems: { ...problems, csv: 'csvEmpty' } });
      const { columns, sep } = readHeader(text);
      const f = get().form;
      // A header with the usual names fills the columns in; the operator can still change them.
      const assetCol = columns.includes(f.assetCol) ? f.assetCol : guess(columns, /^(unit|asset|asset_id|engine|machine|id)$/i);
      const timeCol = columns.includes(f.timeCol) ? f.timeCol : guess(columns, /^(cycle|cycles|time|timestamp|t)$/i);
      const dataset = f.dataset || file.name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64);
      set({ csv: { name: file.name, size: file.size, text, columns, sep }, problems, form: { ...f, assetCol, timeCol, dataset } });
    },

    async start() {
      if (get().submitting || isActive(get().job)) return;
      const { input, problems } = validate();
      set({ problems, fieldErrors: {}, trainError: null, cancelError: null });
      if (!input) return;
      set({ submitting: true });
      try {
        const { job } = await invoke('ml.train', input);
        follow(job);
        void get().loadJobs();
        // The banner's count of running jobs.
        void useModels.getState().loadHealth();
      } catch (err) {
        if (err instanceof ApiError && err.status === 422 && err.issues.length > 0) set({ fieldErrors: groupIssues(err.issues), trainError: err });
        else set({ trainError: err });
      } finally {
        set({ submitting: false });
      }
    },

    async cancel() {
      const job = get().job;
      if (!job || !isActive(job) || get().cancelling) return;
      set({ cancelling: true, cancelError: null });
      try {
        const next = await invoke('ml.jobs.cancel', { id: job.id });
        // Polling goes on until the worker has actually stopped.
        if (get().job?.id === next.id) set({ job: next });
        if (!isActive(next)) follow(next);
      } catch (err) {
        set({ cancelError: err });
      } finally {
        set({ cancelling: false });
      }
    },

    async loadJobs() {
      try {
        const { jobs } = await invoke('ml.jobs.list', {});
        set({ jobs, jobsError: null });
      } catch (err) {
        set({ jobsError: err });
      }
    },

    async resume() {
      await get().loadJobs();
      if (isActive(get().job)) return;
      // Only a job this caller started: another operator's (or the command line's) is theirs to follow.
      const running = get().jobs.find((j) => isActive(j) && j.mine);
      if (running) follow(running);
    },

    dismissJob() {
      if (!isActive(get().job)) set({ job: null, pollError: null, cancelError: null });
    },

    reset() {
      stopPolling();
      set({ sensors: [], sensorsError: null, form: blankForm(), csv: null, problems: {}, fieldErrors: {}, submitting: false, trainError: null, job: null, pollError: null, cancelling: false, cancelError: null, jobs: [], jobsError: null });
    },
  };
});

useSession.subscribe((s, prev) => {
  if (s.status === 'signed-out' && prev.status !== 'signed-out') useTraining.getState().reset();
});
