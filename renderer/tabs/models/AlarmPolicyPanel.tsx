import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { POLICY_FIELDS, type PolicyField } from '../../../contract/models';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatDateTime } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { draftProblems, usePolicy, type PolicyChange } from '../../stores/policy-store';
import { useSession } from '../../stores/session-store';
import { ConfirmStrip } from './ConfirmStrip';
import { formatSig } from './model-format';

const STEP_FIELDS: ReadonlySet<PolicyField> = new Set(['enter_steps', 'exit_steps']);

/**
 * The alarm policy of the asset the selected anomaly model serves: each
 * setting next to the model's calibrated value, saved or reset with an
 * inline confirmation that lists what changes.
 */
export function AlarmPolicyPanel() {
  const selected = useModels((s) => s.selected);
  const summary = useModels((s) => s.models.find((m) => m.model_name === s.selected));
  const asset = summary?.kind === 'anomaly' ? summary.target : null;
  const show = usePolicy((s) => s.show);

  // A promotion or a new version may change the model's values shown as defaults: read again.
  useEffect(() => {
    if (asset) void show(asset);
  }, [asset, show, selected, summary?.production_version, summary?.latest_version]);

  if (!asset) return null;
  return <PolicyCard asset={asset} />;
}

function PolicyCard({ asset }: { asset: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const p = usePolicy();
  const canOperate = useSession((s) => s.can('operate'));
  const policy = p.asset === asset ? p.policy : null;
  const problems = draftProblems(p.draft);
  const invalid = Object.keys(problems).length > 0;
  const fmt = (v: number | null) => formatSig(v, lng, 6);
  const label = (f: PolicyField) => t(`policy.field.${f}.label`);

  const said = (c: PolicyChange, v: number | null) => (v === null ? t('policy.modelMark', { value: fmt(c.modelValue) }) : fmt(v));
  const changeList = (changes: PolicyChange[]) =>
    changes.length === 0 ? (
      <p>{t('policy.noChanges')}</p>
    ) : (
      <ul className="notice__issues" data-testid="policy-changes">
        {changes.map((c) => (
          <li key={c.field}>{t('policy.change', { field: label(c.field), from: said(c, c.from), to: said(c, c.to) })}</li>
        ))}
      </ul>
    );

  return (
    <section className="card" aria-labelledby="models-policy-title" data-testid="alarm-policy" data-asset={asset}>
      <div className="card__head">
        <h2 id="models-policy-title">{t('policy.title', { asset })}</h2>
      </div>
      <p className="muted">{t('policy.intro')}</p>
      <ErrorNotice error={p.asset === asset ? p.loadError : null} title={t('policy.loadFailed')} />
      {p.load === 'loading' && !policy && (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      )}
      {policy && (
        <>
          <p data-testid="policy-state">
            {policy.policy
              ? policy.policy.updated_by
                ? t('policy.revision', { revision: policy.policy.revision, time: formatDateTime(policy.policy.updated_at, lng), by: policy.policy.updated_by })
                : t('policy.revisionBySystem', { revision: policy.policy.revision, time: formatDateTime(policy.policy.updated_at, lng) })
              : t('policy.none')}{' '}
            {policy.threshold !== null && policy.model_threshold !== null && t('policy.thresholdInUse', { threshold: fmt(policy.threshold), model: fmt(policy.model_threshold) })}
          </p>
          {!policy.model && <p className="notice notice--info">{t('policy.noModel')}</p>}
          {!canOperate && <p className="muted">{t('policy.needsOperate')}</p>}
          <form
            className="form-grid"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              p.askSave();
            }}
          >
            {POLICY_FIELDS.map((f) => {
              const fs = policy.fields[f];
              const problem = problems[f];
              return (
                <Field
                  key={f}
                  id={`policy-${f}`}
                  label={label(f)}
                  type="text"
                  inputMode={STEP_FIELDS.has(f) ? 'numeric' : 'decimal'}
                  autoComplete="off"
                  value={p.draft[f]}
                  placeholder={fs.default === null ? '' : fmt(fs.default)}
                  readOnly={!canOperate}
                  onChange={(e) => p.edit(f, e.target.value)}
                  errors={problem ? [t(`policy.invalid.${problem}`)] : undefined}
                  data-source={fs.source}
                  hint={
                    <>
                      <strong>{fs.default === null ? t('policy.modelValueNone') : t('policy.modelValue', { value: fmt(fs.default) })}</strong>
                      {' · '}
                      {fs.source === 'policy' ? t('policy.fromPolicy') : t('policy.fromModel')}
                      <br />
                      {t(`policy.field.${f}.hint`)}
                    </>
                  }
                />
              );
            })}
            {canOperate && (
              <div className="form-grid__actions">
                <button type="submit" className="button button--primary" disabled={invalid || p.saving} data-testid="policy-save">
                  {t('policy.save')}
                </button>
                <button type="button" className="button" onClick={p.clearDraft} disabled={p.saving}>
                  {t('policy.clear')}
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={p.askReset}
                  disabled={!policy.policy || p.saving}
                  title={policy.policy ? undefined : t('policy.resetUnavailable')}
                  data-testid="policy-reset"
                >
                  {t('policy.reset')}
                </button>
              </div>
            )}
          </form>
          {p.confirming && (
            <ConfirmStrip
              confirmLabel={p.confirming.kind === 'save' ? t('policy.confirmSaveButton') : t('policy.confirmResetButton')}
              busy={p.saving}
              onConfirm={() => void p.confirm()}
              onCancel={p.cancel}
              testId="policy-confirm"
              details={changeList(p.confirming.changes)}
            >
              {p.confirming.kind === 'save' ? t('policy.confirmSave', { asset }) : t('policy.confirmReset', { asset })}
            </ConfirmStrip>
          )}
          {p.done && p.done.asset === asset && (
            <div className="notice notice--ok" role="status" data-testid="policy-done">
              <p>{p.done.kind === 'saved' ? t('policy.saved', { asset, revision: p.done.revision }) : t('policy.resetDone', { asset })}</p>
              {p.done.changes.length > 0 && (
                <>
                  <strong>{t('policy.changes')}</strong>
                  {changeList(p.done.changes)}
                </>
              )}
            </div>
          )}
          <ErrorNotice error={p.saveError} title={t('policy.saveFailed')} />
        </>
      )}
    </section>
  );
}
