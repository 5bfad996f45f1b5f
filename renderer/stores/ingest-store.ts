// Ingest tab state: the manual reading form with its outcome and per-field
// errors, and the file import with its progress and summary.
import { create } from 'zustand';
import type { OutputOf } from '../../contract';
import { ApiError, isRecord, type Issue } from '../api/api-error';
import { hasBridge, invoke } from '../api/client';
import { importViaBridge, uploadImport, type ImportInput, type ImportOutput } from '../api/transfer';
import { issueField } from '../format/error-text';
import { localInputToIso, toLocalInput } from '../format/time';

export type ManualField = 'sensor_id' | 'sensor_type' | 'unit' | 'asset_id' | 'value' | 'timestamp' | 'quality';
export type ManualForm = Record<ManualField, string>;
/** The station's issues per field, kept as sent and said in the operator's language where shown. */
export type FieldErrors = Partial<Record<string, Issue[]>>;
export type IngestResult = OutputOf<'data.ingest'>;
type Conflict = IngestResult['conflicts'][number];

export type ManualOutcome =
  | { kind: 'stored' | 'duplicate'; result: IngestResult; sensor: string }
  | { kind: 'conflict'; conflict: Conflict };

export interface ImportOptions {
  sensor_id: string;
  sensor_type: string;
  unit: string;
  assumeUtc: boolean;
  dryRun: boolean;
}

export interface ImportProgressView {
  total: number;
  sent: number;
  /** From data.importStatus, when the key may read it. */
  rows: number | null;
}

interface IngestState {
  form: ManualForm;
  /** False while the time is the default "now"; it then follows the clock. */
  timeTouched: boolean;
  submitting: boolean;
  outcome: ManualOutcome | null;
  fieldErrors: FieldErrors;
  formError: unknown;
  importOptions: ImportOptions;
  file: File | null;
  importing: boolean;
  progress: ImportProgressView | null;
  importResult: ImportOutput | null;
  importFieldErrors: FieldErrors;
  importError: unknown;
  setField(field: ManualField, value: string): void;
  /** Moves a default (untouched) time to now, e.g. when the form is shown again. */
  refreshTime(force?: boolean): void;
  submitReading(): Promise<void>;
  setImportOptions(patch: Partial<ImportOptions>): void;
  setFile(file: File | null): void;
  runImport(canPoll: boolean): Promise<void>;
  reset(): void;
}

const blankForm = (): ManualForm => ({ sensor_id: '', sensor_type: '', unit: '', asset_id: '', value: '', timestamp: toLocalInput(Date.now()), quality: '' });
const DEFAULT_IMPORT: ImportOptions = { sensor_id: '', sensor_type: '', unit: '', assumeUtc: true, dryRun: false };

/**
 * Numbers as operators type them: a decimal comma is accepted (pt-BR
 * keyboards). Anything else is sent as typed, so the station names the
 * problem in the field's own error rather than the form guessing.
 */
export function parseNumberInput(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const normalised = /^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalised) ? Number(normalised) : NaN;
  return Number.isFinite(n) ? n : t;
}

export function groupIssues(issues: Issue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) (out[issueField(i)] ??= []).push(i);
  return out;
}

function buildReading(form: ManualForm): Record<string, unknown> {
  const r: Record<string, unknown> = { sensor_id: form.sensor_id.trim() };
  const value = parseNumberInput(form.value);
  if (value !== undefined) r.value = value;
  // An unreadable date is sent as typed so the station's message lands on the timestamp field.
  if (form.timestamp) r.timestamp = localInputToIso(form.timestamp) ?? form.timestamp;
  const quality = parseNumberInput(form.quality);
  if (quality !== undefined) r.quality = quality;
  for (const k of ['sensor_type', 'unit', 'asset_id'] as const) if (form[k].trim()) r[k] = form[k].trim();
  return r;
}

let pollTimer: ReturnType<typeof setInterval> | undefined;

export const useIngest = create<IngestState>()((set, get) => ({
  form: blankForm(),
  timeTouched: false,
  submitting: false,
  outcome: null,
  fieldErrors: {},
  formError: null,
  importOptions: DEFAULT_IMPORT,
  file: null,
  importing: false,
  progress: null,
  importResult: null,
  importFieldErrors: {},
  importError: null,

  setField(field, value) {
    const { fieldErrors } = get();
    // The error stays until the operator touches that field.
    set({
      form: { ...get().form, [field]: value },
      fieldErrors: { ...fieldErrors, [field]: undefined },
      ...(field === 'timestamp' ? { timeTouched: true } : {}),
    });
  },

  refreshTime(force = false) {
    if (force || !get().timeTouched) set({ form: { ...get().form, timestamp: toLocalInput(Date.now()) }, timeTouched: false, fieldErrors: { ...get().fieldErrors, timestamp: undefined } });
  },

  async submitReading() {
    set({ submitting: true, outcome: null, fieldErrors: {}, formError: null });
    try {
      const reading = buildReading(get().form);
      const result = await invoke('data.ingest', { readings: [reading] });
      set({ outcome: { kind: result.stored > 0 ? 'stored' : 'duplicate', result, sensor: String(reading.sensor_id) } });
      // Ready for the next reading of the same instrument: same sensor, fresh value and time.
      if (result.stored > 0) set({ form: { ...get().form, value: '', quality: '', timestamp: toLocalInput(Date.now()) }, timeTouched: false });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.issues.length > 0) {
        set({ fieldErrors: groupIssues(err.issues) });
      } else if (err instanceof ApiError && err.status === 409 && isRecord(err.details) && Array.isArray(err.details.conflicts) && err.details.conflicts[0]) {
        set({ outcome: { kind: 'conflict', conflict: err.details.conflicts[0] as Conflict } });
      } else {
        set({ formError: err });
      }
    } finally {
      set({ submitting: false });
    }
  },

  setImportOptions(patch) {
    const errs = { ...get().importFieldErrors };
    for (const k of Object.keys(patch)) delete errs[k];
    set({ importOptions: { ...get().importOptions, ...patch }, importFieldErrors: errs });
  },

  setFile(file) {
    set({ file, importResult: null, importError: null, progress: null });
  },

  async runImport(canPoll) {
    const { importOptions: o, file } = get();
    const input: ImportInput = {
      import_id: crypto.randomUUID(),
      dry_run: o.dryRun,
      ...(o.sensor_id.trim() ? { sensor_id: o.sensor_id.trim() } : {}),
      ...(o.sensor_type.trim() ? { sensor_type: o.sensor_type.trim() } : {}),
      ...(o.unit.trim() ? { unit: o.unit.trim() } : {}),
      ...(o.assumeUtc ? { assume_timezone: 'UTC' } : {}),
    };
    set({ importing: true, importResult: null, importError: null, importFieldErrors: {} });
    try {
      if (hasBridge()) {
        const result = await importViaBridge(input);
        set({ importResult: result });
        return;
      }
      if (!file) return;
      set({ progress: { total: file.size, sent: 0, rows: null } });
      const upload = uploadImport(file, input, (sent) => {
        const p = get().progress;
        if (p) set({ progress: { ...p, sent: Math.max(p.sent, sent) } });
      });
      if (canPoll) pollTimer = setInterval(() => void pollProgress(input.import_id!), 500);
      set({ importResult: await upload.done });
    } catch (err) {
      const failed = err instanceof ApiError && isRecord(err.details) && isRecord(err.details.summary) ? (err.details.summary as ImportOutput) : null;
      set({
        importError: err,
        importResult: failed,
        importFieldErrors: err instanceof ApiError && err.status === 422 ? groupIssues(err.issues) : {},
      });
    } finally {
      clearInterval(pollTimer);
      set({ importing: false });
    }
  },

  reset() {
    clearInterval(pollTimer);
    set({
      form: blankForm(), timeTouched: false, submitting: false, outcome: null, fieldErrors: {}, formError: null, importOptions: DEFAULT_IMPORT,
      file: null, importing: false, progress: null, importResult: null, importFieldErrors: {}, importError: null,
    });
  },
}));

/** The station counts bytes and rows as it reads; that is the truer progress for a large file. */
async function pollProgress(id: string): Promise<void> {
  try {
    const s = await invoke('data.importStatus', { id });
    const p = useIngest.getState().progress;
    if (p && useIngest.getState().importing) useIngest.setState({ progress: { ...p, sent: Math.max(p.sent, s.bytes), rows: s.rows } });
  } catch {
    // Not started yet (404) or not readable: the upload progress still shows.
  }
}
