import type { OutputOf, ParsedInputOf } from '../../../../../contract';
import { POLICY_FIELDS, type EffectivePolicyWire, type PolicySettings } from '../../../../../contract/models';
import { toIso } from '../../../../../contract/timestamp';
import type { AnomalyModelMeta } from '../../../ml/anomaly';
import { float32Decimal } from '../../../ml/runtime/decimals';
import { AppError } from '../../../platform/errors';
import type { HandlerContext } from '../../../platform/operations';
import { resolveFor, type ModelsContext } from '../context';
import { appliedSettings } from './apply-policy';
import { NO_SETTINGS, setsNothing, settingsOf, type StoredPolicy } from './policy-repo';

// The alarm policy operations. Every change goes through the write queue
// with its audit entry and an alarm_policy.changed event in the same
// transaction; online scoring hears the event in order with the readings
// and applies the new revision from the next reading on.

type PolicyInput = ParsedInputOf<'ml.policies.put'>;

function actor(c: HandlerContext): string | null {
  return c.principal?.name ?? null;
}

/** The asset must be one the station knows: it has sensors, or an anomaly model was trained for it. */
function requireAsset(ctx: ModelsContext, assetId: string): void {
  if (ctx.sensors.repo.list({ assetId }).length > 0) return;
  if (ctx.registry.list({ kind: 'anomaly', target: assetId }).length > 0) return;
  throw new AppError('not_found', `no asset '${assetId}' on this station`, { asset_id: assetId });
}

export function policyToWire(p: StoredPolicy) {
  return { asset_id: p.assetId, policy_id: p.policyId, revision: p.revision, ...settingsOf(p), updated_at: toIso(p.updatedAt), updated_by: p.updatedBy };
}

/** The policy an asset's scoring uses, field by field against the serving model's calibration. */
export function effectivePolicy(ctx: ModelsContext, assetId: string): EffectivePolicyWire {
  const policy = ctx.policies.get(assetId);
  // Safe mode loads no model, but the calibration is still worth showing next to the policy.
  const resolved = resolveFor({ ...ctx, disabled: false }, 'anomaly', assetId, 'auto');
  const meta = resolved.record ? (ctx.registry.meta(resolved.record.name, resolved.record.version) as Partial<AnomalyModelMeta>) : null;
  const h = meta?.hysteresis;
  const defaults: PolicySettings = h && typeof meta?.threshold === 'number' ? appliedSettings(null, h) : NO_SETTINGS;
  const field = (f: (typeof POLICY_FIELDS)[number]) => {
    const own = policy?.[f] ?? null;
    return { value: own ?? defaults[f], default: defaults[f], source: own === null ? ('model' as const) : ('policy' as const) };
  };
  const modelThreshold = typeof meta?.threshold === 'number' ? meta.threshold : null;
  return {
    asset_id: assetId,
    policy: policy ? policyToWire(policy) : null,
    model: resolved.record ? { model_name: resolved.record.name, model_version: resolved.record.version } : null,
    model_threshold: modelThreshold === null ? null : float32Decimal(modelThreshold),
    threshold: modelThreshold === null ? null : float32Decimal(modelThreshold * (policy?.threshold_factor ?? 1)),
    fields: {
      threshold_factor: field('threshold_factor'),
      enter_steps: field('enter_steps'),
      immediate_ratio: field('immediate_ratio'),
      exit_steps: field('exit_steps'),
      exit_ratio: field('exit_ratio'),
    },
  };
}

/** Stores `next` as the policy (or removes it when it sets nothing), audited and announced, in one transaction. */
async function change(ctx: ModelsContext, assetId: string, compute: (current: PolicySettings) => PolicySettings, action: string, c: HandlerContext): Promise<EffectivePolicyWire> {
  await ctx.writer.write((tx) => {
    // Read inside the write job: two changes at once each see the other's result.
    const before = ctx.policies.get(assetId);
    const next = compute(before ? settingsOf(before) : NO_SETTINGS);
    if (setsNothing(next) && !before) return;
    // The revision row names the seq of the event announcing it: online scoring replays by it.
    const seq = tx.reserveSeq();
    if (setsNothing(next)) {
      const revision = ctx.policies.remove(tx, assetId, actor(c), seq)!;
      ctx.audit.record(tx, c.principal, action, assetId, { revision, change: 'deleted', before: before ? settingsOf(before) : null });
      tx.emit('alarm_policy.changed', { asset_id: assetId, policy_id: null, revision, change: 'deleted', ...NO_SETTINGS }, { seq });
      return;
    }
    const p = ctx.policies.set(tx, assetId, next, actor(c), seq);
    ctx.audit.record(tx, c.principal, action, assetId, { policy_id: p.policyId, revision: p.revision, change: 'set', before: before ? settingsOf(before) : null, after: settingsOf(p) });
    tx.emit('alarm_policy.changed', { asset_id: assetId, policy_id: p.policyId, revision: p.revision, change: 'set', ...settingsOf(p) }, { seq });
  }, { correlationId: c.correlationId });
  return effectivePolicy(ctx, assetId);
}

function given(input: PolicyInput, base: PolicySettings): PolicySettings {
  const out = { ...base };
  for (const f of POLICY_FIELDS) if (input[f] !== undefined) out[f] = input[f];
  return out;
}

export function policyHandlers(ctx: ModelsContext) {
  return {
    'ml.policies.list': (): OutputOf<'ml.policies.list'> => ({ policies: ctx.policies.list().map(policyToWire) }),

    'ml.policies.get': (input: ParsedInputOf<'ml.policies.get'>): OutputOf<'ml.policies.get'> => {
      requireAsset(ctx, input.asset_id);
      return effectivePolicy(ctx, input.asset_id);
    },

    'ml.policies.put': (input: PolicyInput, c: HandlerContext) => {
      requireAsset(ctx, input.asset_id);
      return change(ctx, input.asset_id, () => given(input, NO_SETTINGS), 'ml.policies.put', c);
    },

    'ml.policies.patch': (input: PolicyInput, c: HandlerContext) => {
      requireAsset(ctx, input.asset_id);
      return change(ctx, input.asset_id, (current) => given(input, current), 'ml.policies.patch', c);
    },

    'ml.policies.delete': (input: ParsedInputOf<'ml.policies.delete'>, c: HandlerContext) => {
      requireAsset(ctx, input.asset_id);
      return change(ctx, input.asset_id, () => NO_SETTINGS, 'ml.policies.delete', c);
    },

    'ml.policies.history': (input: ParsedInputOf<'ml.policies.history'>): OutputOf<'ml.policies.history'> => {
      requireAsset(ctx, input.asset_id);
      return {
        asset_id: input.asset_id,
        revisions: ctx.policies.history(input.asset_id).map((r) => ({
          revision: r.revision, policy_id: r.policyId, change: r.change, ...settingsOf(r), changed_at: toIso(r.changedAt), changed_by: r.changedBy,
        })),
      };
    },
  };
}
