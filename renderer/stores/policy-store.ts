// Alarm policy of one asset on the Models tab: the policy in force with the
// model's calibrated value of each setting, the operator's draft, and the
// inline confirmation of a save or a reset (which lists what changes).
import { create } from 'zustand';
import { POLICY_FIELDS, POLICY_LIMITS, type EffectivePolicyWire, type PolicyField } from '../../contract/models';
import { invoke } from '../api/client';
import { useSession } from './session-store';

export type PolicyLoad = 'idle' | 'loading' | 'ready' | 'error';
export type Draft = Record<PolicyField, string>;
/** Why a draft value is refused, as a key the panel says in the operator's language. */
export type DraftProblem = 'number' | 'whole' | 'range';

/** One setting whose stored value a save changes; null: the model's value. */
export interface PolicyChange {
  field: PolicyField;
  from: number | null;
  to: number | null;
  modelValue: number | null;
}

export interface PolicyOutcome {
  kind: 'saved' | 'reset';
  asset: string;
  revision: number | null;
  changes: PolicyChange[];
}

const STEP_FIELDS: ReadonlySet<PolicyField> = new Set(['enter_steps', 'exit_steps']);
/** Bounds whose lower end is excluded. */
const OPEN_BELOW: ReadonlySet<PolicyField> = new Set(['threshold_factor', 'exit_ratio']);

const emptyDraft = (): Draft => ({ threshold_factor: '', enter_steps: '', immediate_ratio: '', exit_steps: '', exit_ratio: '' });

/** The draft of a policy: each value the policy sets, empty where the model's applies. */
function draftOf(p: EffectivePolicyWire): Draft {
  const d = emptyDraft();
  for (const f of POLICY_FIELDS) if (p.fields[f].source === 'policy' && p.fields[f].value !== null) d[f] = String(p.fields[f].value);
  return d;
}

/** A draft value as a number (null: empty, the model's value), or the problem with it. */
export function parseDraft(field: PolicyField, raw: string): { ok: true; value: number | null } | { ok: false; problem: DraftProblem } {
  const text = raw.trim().replace(',', '.');
  if (text === '') return { ok: true, value: null };
  const v = Number(text);
  if (!Number.isFinite(v)) return { ok: false, problem: 'number' };
  if (STEP_FIELDS.has(field) && !Number.isInteger(v)) return { ok: false, problem: 'whole' };
  const { min, max } = POLICY_LIMITS[field];
  if (v > max || v < min || (OPEN_BELOW.has(field) && v === min)) return { ok: false, problem: 'range' };
  return { ok: true, value: v };
}

export function draftProblems(d: Draft): Partial<Record<PolicyField, DraftProblem>> {
  const out: Partial<Record<PolicyField, DraftProblem>> = {};
  for (const f of POLICY_FIELDS) {
    const r = parseDraft(f, d[f]);
    if (!r.ok) out[f] = r.problem;
  }
  return out;
}

/** What saving `d` changes against the stored policy `p`. */
export function changesOf(p: EffectivePolicyWire, d: Draft): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const f of POLICY_FIELDS) {
    const r = parseDraft(f, d[f]);
    if (!r.ok) continue;
    const from = p.fields[f].source === 'policy' ? p.fields[f].value : null;
    if (from !== r.value) out.push({ field: f, from, to: r.value, modelValue: p.fields[f].default });
  }
  return out;
}

interface PolicyState {
  asset: string | null;
  policy: EffectivePolicyWire | null;
  load: PolicyLoad;
  loadError: unknown;
  draft: Draft;
  confirming: { kind: 'save' | 'reset'; changes: PolicyChange[] } | null;
  saving: boolean;
  saveError: unknown;
  done: PolicyOutcome | null;
  show(asset: string): Promise<void>;
  edit(field: PolicyField, value: string): void;
  /** Puts every setting back to the model's value in the draft (saving still asks). */
  clearDraft(): void;
  askSave(): void;
  askReset(): void;
  cancel(): void;
  confirm(): Promise<void>;
  reset(): void;
}

let loadSeq = 0;

const initial = {
  asset: null,
  policy: null,
  load: 'idle' as PolicyLoad,
  loadError: null,
  draft: emptyDraft(),
  confirming: null,
  saving: false,
  saveError: null,
  done: null,
};

export const usePolicy = create<PolicyState>()((set, get) => ({
  ...initial,

  async show(asset) {
    const seq = ++loadSeq;
    const same = get().asset === asset;
    set({ asset, load: 'loading', ...(same ? {} : { policy: null, draft: emptyDraft(), confirming: null, saveError: null, done: null }) });
    try {
      const policy = await invoke('ml.policies.get', { asset_id: asset });
      if (seq === loadSeq) set({ policy, draft: draftOf(policy), load: 'ready', loadError: null });
    } catch (error) {
      if (seq === loadSeq) set({ load: 'error', loadError: error });
    }
  },

  edit(field, value) {
    set({ draft: { ...get().draft, [field]: value }, confirming: null, done: null });
  },

  clearDraft() {
    set({ draft: emptyDraft(), confirming: null, done: null });
  },

  askSave() {
    const { policy, draft, saving } = get();
    if (!policy || saving || Object.keys(draftProblems(draft)).length > 0) return;
    set({ confirming: { kind: 'save', changes: changesOf(policy, draft) }, saveError: null, done: null });
  },

  askReset() {
    const { policy, saving } = get();
    if (!policy || saving) return;
    set({ confirming: { kind: 'reset', changes: changesOf(policy, emptyDraft()) }, saveError: null, done: null });
  },

  cancel() {
    if (!get().saving) set({ confirming: null });
  },

  async confirm() {
    const { confirming, asset, draft, saving } = get();
    if (!confirming || !asset || saving) return;
    set({ saving: true, saveError: null });
    try {
      let policy: EffectivePolicyWire;
      if (confirming.kind === 'reset') {
        policy = await invoke('ml.policies.delete', { asset_id: asset });
      } else {
        const body: Record<PolicyField, number | null> = { threshold_factor: null, enter_steps: null, immediate_ratio: null, exit_steps: null, exit_ratio: null };
        for (const f of POLICY_FIELDS) {
          const r = parseDraft(f, draft[f]);
          body[f] = r.ok ? r.value : null;
        }
        policy = await invoke('ml.policies.put', { asset_id: asset, ...body });
      }
      if (get().asset !== asset) return;
      set({
        policy,
        draft: draftOf(policy),
        confirming: null,
        done: { kind: policy.policy === null ? 'reset' : 'saved', asset, revision: policy.policy?.revision ?? null, changes: confirming.changes },
      });
    } catch (error) {
      set({ saveError: error });
    } finally {
      set({ saving: false });
    }
  },

  reset() {
    loadSeq++;
    set({ ...initial, draft: emptyDraft() });
  },
}));

// Nothing one key loaded may linger for the next one.
useSession.subscribe((s, prev) => {
  if (s.status === 'signed-out' && prev.status !== 'signed-out') usePolicy.getState().reset();
});
