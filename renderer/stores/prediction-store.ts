// Prediction tab state: what can be asked about (sensors, assets, RUL
// models) and four independent panels — forecast, anomaly detection, drift
// and remaining useful life — each with its form, its running flag, its
// result and its error.
import { create } from 'zustand';
import type { OutputOf } from '../../contract';
import type { SensorWire } from '../../contract/sensors';
import { ApiError } from '../api/api-error';
import { invoke } from '../api/client';
import { localInputToIso } from '../format/time';
import { parseDecimal, parseWhole } from '../format/number-input';
import { groupIssues, type FieldErrors } from './ingest-store';
import type { ModelSummary } from './models-store';
import { useSession } from './session-store';
import { assetIds } from './training-store';

export type ForecastResult = OutputOf<'ml.forecast'>;
export type DetectResult = OutputOf<'ml.detect'>;
/**
 * A drift check with the fewest readings a side it asked for (the answer
 * does not repeat it), and whether it was recorded: an operator's check
 * (ml.drift) records drift and raises a retraining recommendation; a
 * read-only look (ml.drift.view) records nothing.
 */
export type DriftResult = OutputOf<'ml.drift'> & { min_samples: number; recorded: boolean };
/** The prediction with the asset it was asked for (the form may have moved on since). */
export type RulResult = OutputOf<'ml.predict'> & { asset_id: string };
export type Direction = 'above' | 'below';

/** Local problems, as i18n keys under prediction.invalid. */
export type Problem = 'required' | 'number' | 'horizon' | 'minutes';

export interface Panel<F, R> {
  form: F;
  running: boolean;
  result: R | null;
  error: unknown;
  problems: Partial<Record<keyof F, Problem>>;
  fieldErrors: FieldErrors;
}

export interface ForecastForm { sensor: string; threshold: string; direction: Direction; horizon: string }
export interface DetectForm { asset: string; from: string; to: string }
export interface DriftForm { sensor: string; window: string; baseline: string }
export interface RulForm { model: string; asset: string }

type Panels = {
  forecast: Panel<ForecastForm, ForecastResult>;
  detect: Panel<DetectForm, DetectResult>;
  drift: Panel<DriftForm, DriftResult>;
  rul: Panel<RulForm, RulResult>;
};
export type PanelKey = keyof Panels;
type FormOf<K extends PanelKey> = Panels[K]['form'];

/** Score points asked for the anomaly chart: about one per pixel of a wide chart. */
export const SCORE_POINTS = 1200;
/** Fewest readings in each drift window: the station's default, sent so the console can say it. */
export const DRIFT_MIN_SAMPLES = 30;
/** History points shown before the forecast. */
export const FORECAST_HISTORY = 240;

interface PredictionState extends Panels {
  sensors: SensorWire[];
  rulModels: ModelSummary[];
  sourcesError: unknown;
  loadSources(): Promise<void>;
  setForm<K extends PanelKey>(panel: K, patch: Partial<FormOf<K>>): void;
  runForecast(): Promise<void>;
  runDetect(): Promise<void>;
  runDrift(): Promise<void>;
  runRul(): Promise<void>;
  reset(): void;
}

function panel<F>(form: F): Panel<F, never> {
  return { form, running: false, result: null, error: null, problems: {}, fieldErrors: {} };
}

const initialPanels = (): Panels => ({
  forecast: panel<ForecastForm>({ sensor: '', threshold: '', direction: 'above', horizon: '' }),
  detect: panel<DetectForm>({ asset: '', from: '', to: '' }),
  // A day: long enough for sensors that report every few minutes to give the test enough readings.
  drift: panel<DriftForm>({ sensor: '', window: '1440', baseline: '' }),
  rul: panel<RulForm>({ model: '', asset: '' }),
});

const pick = (current: string, options: readonly string[]) => (options.includes(current) ? current : (options[0] ?? ''));

export const usePrediction = create<PredictionState>()((set, get) => {
  function patch<K extends PanelKey>(key: K, p: Partial<Panels[K]>) {
    set({ [key]: { ...get()[key], ...p } } as unknown as Partial<PredictionState>);
  }

  /** Runs one panel's call: one at a time per panel, its result or error kept with the panel. */
  async function run<K extends PanelKey>(key: K, problems: Panels[K]['problems'], call: () => Promise<Panels[K]['result']>) {
    if (get()[key].running) return;
    if (Object.keys(problems).length > 0) return patch(key, { problems, fieldErrors: {} } as Partial<Panels[K]>);
    patch(key, { running: true, error: null, problems: {}, fieldErrors: {} } as Partial<Panels[K]>);
    try {
      const result = await call();
      patch(key, { result, running: false } as Partial<Panels[K]>);
    } catch (error) {
      const fieldErrors = error instanceof ApiError && error.status === 422 ? groupIssues(error.issues) : {};
      // A failed run must not leave the previous sensor's answer looking current.
      patch(key, { error, fieldErrors, result: null, running: false } as Partial<Panels[K]>);
    }
  }

  return {
    ...initialPanels(),
    sensors: [],
    rulModels: [],
    sourcesError: null,

    async loadSources() {
      try {
        const [{ sensors }, list] = await Promise.all([invoke('sensors.list', {}), invoke('ml.models.list', { kind: 'rul' })]);
        const models = list.models.filter((m) => m.kind === 'rul');
        const ids = sensors.map((s) => s.id);
        const assets = assetIds(sensors);
        const s = get();
        set({
          sensors,
          rulModels: models,
          sourcesError: null,
          forecast: { ...s.forecast, form: { ...s.forecast.form, sensor: pick(s.forecast.form.sensor, ids) } },
          detect: { ...s.detect, form: { ...s.detect.form, asset: pick(s.detect.form.asset, assets) } },
          drift: { ...s.drift, form: { ...s.drift.form, sensor: pick(s.drift.form.sensor, ids) } },
          rul: { ...s.rul, form: { model: pick(s.rul.form.model, models.map((m) => m.model_name)), asset: pick(s.rul.form.asset, assets) } },
        });
      } catch (error) {
        set({ sourcesError: error });
      }
    },

    setForm(key, p) {
      const current = get()[key];
      const problems = { ...current.problems } as Record<string, Problem | undefined>;
      const fieldErrors = { ...current.fieldErrors };
      for (const k of Object.keys(p)) {
        delete problems[k];
        delete fieldErrors[k];
      }
      patch(key, { form: { ...current.form, ...p }, problems, fieldErrors } as unknown as Partial<Panels[typeof key]>);
    },

    async runForecast() {
      const f = get().forecast.form;
      const threshold = parseDecimal(f.threshold);
      const horizon = parseWhole(f.horizon, 1, 512);
      const problems: Panels['forecast']['problems'] = {};
      if (!f.sensor) problems.sensor = 'required';
      if (Number.isNaN(threshold)) problems.threshold = 'number';
      if (Number.isNaN(horizon)) problems.horizon = 'horizon';
      await run('forecast', problems, () =>
        invoke('ml.forecast', {
          sensor_id: f.sensor,
          history: FORECAST_HISTORY,
          ...(threshold !== undefined ? { threshold, direction: f.direction } : {}),
          ...(horizon !== undefined ? { horizon } : {}),
        }),
      );
    },

    async runDetect() {
      const f = get().detect.form;
      const problems: Panels['detect']['problems'] = {};
      if (!f.asset) problems.asset = 'required';
      const from = localInputToIso(f.from);
      const to = localInputToIso(f.to);
      await run('detect', problems, () => invoke('ml.detect', { asset_id: f.asset, scores: SCORE_POINTS, ...(from ? { from } : {}), ...(to ? { to } : {}) }));
    },

    async runDrift() {
      const f = get().drift.form;
      const window = parseWhole(f.window, 1, 525_600);
      const baseline = parseWhole(f.baseline, 1, 5_256_000);
      const problems: Panels['drift']['problems'] = {};
      if (!f.sensor) problems.sensor = 'required';
      if (window === undefined || Number.isNaN(window)) problems.window = 'minutes';
      if (Number.isNaN(baseline)) problems.baseline = 'minutes';
      const figures = { window_minutes: window!, min_samples: DRIFT_MIN_SAMPLES, ...(baseline !== undefined ? { baseline_minutes: baseline } : {}) };
      const recorded = useSession.getState().can('operate');
      await run('drift', problems, async () => ({
        ...(recorded ? await invoke('ml.drift', { sensor_id: f.sensor, ...figures }) : await invoke('ml.drift.view', { id: f.sensor, ...figures })),
        min_samples: DRIFT_MIN_SAMPLES,
        recorded,
      }));
    },

    async runRul() {
      const f = get().rul.form;
      const problems: Panels['rul']['problems'] = {};
      if (!f.model) problems.model = 'required';
      if (!f.asset) problems.asset = 'required';
      await run('rul', problems, async () => ({ ...(await invoke('ml.predict', { model_name: f.model, asset_id: f.asset })), asset_id: f.asset }));
    },

    reset() {
      set({ ...initialPanels(), sensors: [], rulModels: [], sourcesError: null });
    },
  };
});

useSession.subscribe((s, prev) => {
  if (s.status === 'signed-out' && prev.status !== 'signed-out') usePrediction.getState().reset();
});
