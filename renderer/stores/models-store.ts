// Models tab state: the model runtime (ml.health), the registry with the
// versions of the selected model, stage changes (promote / roll back) with
// their inline confirmation, and the recommendations.
import { create } from 'zustand';
import type { OutputOf } from '../../contract';
import type { ModelStage, ModelVersionWire } from '../../contract/models';
import { invoke } from '../api/client';
import { useSession } from './session-store';

export type MlHealth = OutputOf<'ml.health'>;
export type ModelSummary = OutputOf<'ml.models.list'>['models'][number];
export type Recommendations = OutputOf<'ml.recommend'>;
export type Load = 'idle' | 'loading' | 'ready' | 'error';

/** A stage change waiting for the operator's confirmation, or running. */
export type StageAction = { kind: 'promote'; name: string; version: number; stage: ModelStage } | { kind: 'rollback'; name: string };

export interface ActionOutcome {
  action: StageAction;
  result: ModelVersionWire;
}

interface ModelsState {
  health: MlHealth | null;
  healthError: unknown;
  models: ModelSummary[];
  modelsLoad: Load;
  modelsError: unknown;
  selected: string | null;
  versions: ModelVersionWire[];
  versionsLoad: Load;
  versionsError: unknown;
  /** The version a training job just registered, marked until another is selected. */
  highlight: { name: string; version: number } | null;
  confirming: StageAction | null;
  /** A promote / rollback call is running: every stage button waits. */
  acting: boolean;
  actionError: unknown;
  actionDone: ActionOutcome | null;
  recommendations: Recommendations | null;
  recommendationsLoad: Load;
  recommendationsError: unknown;
  /** The retraining recommendation being dismissed. */
  dismissing: string | null;
  dismissError: unknown;
  loadAll(): Promise<void>;
  loadHealth(): Promise<void>;
  loadModels(): Promise<void>;
  loadRecommendations(): Promise<void>;
  dismiss(id: string): Promise<void>;
  select(name: string): Promise<void>;
  ask(action: StageAction): void;
  cancelAsk(): void;
  confirm(): Promise<void>;
  /** After training: refresh, select the model and mark its new version. */
  showNewVersion(name: string, version: number): Promise<void>;
  reset(): void;
}

let versionsSeq = 0;
let healthTimer: ReturnType<typeof setTimeout> | undefined;
const HEALTH_RECHECK_MS = 1000;

const initial = {
  health: null,
  healthError: null,
  models: [],
  modelsLoad: 'idle' as Load,
  modelsError: null,
  selected: null,
  versions: [],
  versionsLoad: 'idle' as Load,
  versionsError: null,
  highlight: null,
  confirming: null,
  acting: false,
  actionError: null,
  actionDone: null,
  recommendations: null,
  recommendationsLoad: 'idle' as Load,
  recommendationsError: null,
  dismissing: null,
  dismissError: null,
};

export const useModels = create<ModelsState>()((set, get) => {
  async function fetchVersions(name: string): Promise<void> {
    const seq = ++versionsSeq;
    set({ versionsLoad: 'loading' });
    try {
      const { versions } = await invoke('ml.models.versions', { model_name: name });
      if (seq === versionsSeq) set({ versions, versionsLoad: 'ready', versionsError: null });
    } catch (error) {
      if (seq === versionsSeq) set({ versions: [], versionsLoad: 'error', versionsError: error });
    }
  }

  return {
    ...initial,

    async loadAll() {
      await Promise.all([get().loadHealth(), get().loadModels(), get().loadRecommendations()]);
    },

    async loadHealth() {
      clearTimeout(healthTimer);
      try {
        const health = await invoke('ml.health', {});
        set({ health, healthError: null });
        // A worker that is still starting settles in a moment: look again rather than leave "starting" up.
        if (health.worker.state === 'starting') healthTimer = setTimeout(() => void get().loadHealth(), HEALTH_RECHECK_MS);
      } catch (error) {
        set({ healthError: error });
      }
    },

    async loadModels() {
      set({ modelsLoad: 'loading' });
      try {
        const { models } = await invoke('ml.models.list', {});
        const { selected } = get();
        const keep = selected !== null && models.some((m) => m.model_name === selected);
        set({ models, modelsLoad: 'ready', modelsError: null, ...(keep ? {} : { selected: models[0]?.model_name ?? null }) });
        const name = get().selected;
        if (name) await fetchVersions(name);
        else set({ versions: [], versionsLoad: 'idle' });
      } catch (error) {
        set({ modelsLoad: 'error', modelsError: error });
      }
    },

    async loadRecommendations() {
      set({ recommendationsLoad: 'loading' });
      try {
        set({ recommendations: await invoke('ml.recommend', {}), recommendationsLoad: 'ready', recommendationsError: null });
      } catch (error) {
        set({ recommendationsLoad: 'error', recommendationsError: error });
      }
    },

    async dismiss(id) {
      if (get().dismissing) return;
      set({ dismissing: id, dismissError: null });
      try {
        await invoke('ml.recommendations.dismiss', { id });
        await get().loadRecommendations();
      } catch (error) {
        set({ dismissError: error });
      } finally {
        set({ dismissing: null });
      }
    },

    async select(name) {
      const { selected, highlight } = get();
      if (selected === name && get().versionsLoad !== 'error') return;
      set({ selected: name, confirming: null, actionError: null, actionDone: null, ...(highlight && highlight.name !== name ? { highlight: null } : {}) });
      await fetchVersions(name);
    },

    ask(action) {
      if (get().acting) return;
      set({ confirming: action, actionError: null, actionDone: null });
    },

    cancelAsk() {
      if (!get().acting) set({ confirming: null });
    },

    async confirm() {
      const action = get().confirming;
      if (!action || get().acting) return;
      set({ acting: true, actionError: null, actionDone: null });
      try {
        const result =
          action.kind === 'promote'
            ? await invoke('ml.models.promote', { model_name: action.name, model_version: action.version, stage: action.stage })
            : await invoke('ml.models.rollback', { model_name: action.name });
        set({ actionDone: { action, result }, confirming: null });
        // Stages of other versions moved too (the old production one is archived).
        await Promise.all([get().loadModels(), get().loadRecommendations()]);
      } catch (error) {
        set({ actionError: error });
      } finally {
        set({ acting: false });
      }
    },

    async showNewVersion(name, version) {
      set({ selected: name, highlight: { name, version }, confirming: null, actionDone: null, actionError: null });
      await Promise.all([get().loadModels(), get().loadHealth(), get().loadRecommendations()]);
    },

    reset() {
      versionsSeq++;
      clearTimeout(healthTimer);
      set(initial);
    },
  };
});

// Nothing one key loaded may linger for the next one.
useSession.subscribe((s, prev) => {
  if (s.status === 'signed-out' && prev.status !== 'signed-out') useModels.getState().reset();
});
