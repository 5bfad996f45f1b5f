import { useId, useMemo, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { usePrediction, type RulResult } from '../../stores/prediction-store';
import { assetIds } from '../../stores/training-store';
import { formatSig } from '../models/model-format';
import { useFieldMessages } from '../../components/use-issue-text';
import { SelectField } from '../models/SelectField';
import { ModelInfo } from './ModelInfo';

export function RulPanel() {
  const { t } = useTranslation();
  const id = useId();
  const p = usePrediction((s) => s.rul);
  const sensors = usePrediction((s) => s.sensors);
  const models = usePrediction((s) => s.rulModels);
  const setForm = usePrediction((s) => s.setForm);
  const runRul = usePrediction((s) => s.runRul);
  const assets = useMemo(() => assetIds(sensors), [sensors]);
  const f = p.form;
  const fieldMessages = useFieldMessages();
  const problem = (k: keyof typeof f) => (p.problems[k] ? t(`prediction.invalid.${p.problems[k]}`) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runRul();
  };

  return (
    <section className="card" aria-labelledby="prediction-rul-title" data-testid="rul-panel">
      <h2 id="prediction-rul-title">{t('prediction.rul.title')}</h2>
      <p className="muted">{t('prediction.rul.intro')}</p>
      {models.length === 0 ? (
        <EmptyState testId="rul-no-models">{t('prediction.rul.noModels')}</EmptyState>
      ) : (
        <form className="form-grid" onSubmit={submit} noValidate data-testid="rul-form">
          <SelectField id={`${id}-model`} label={t('prediction.rul.model')} value={f.model} onChange={(e) => setForm('rul', { model: e.target.value })}
            errors={fieldMessages(problem('model'), p.fieldErrors.model_name)}>
            {models.map((m) => (
              <option key={m.model_name} value={m.model_name}>
                {m.target !== m.model_name ? `${m.model_name} (${m.target})` : m.model_name}
              </option>
            ))}
          </SelectField>
          <SelectField id={`${id}-asset`} label={t('prediction.asset')} hint={t('prediction.rul.assetHint')} value={f.asset} onChange={(e) => setForm('rul', { asset: e.target.value })}
            errors={fieldMessages(problem('asset'), p.fieldErrors.asset_id)}>
            {assets.length === 0 && <option value="">{t('prediction.noAssets')}</option>}
            {assets.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </SelectField>
          <div className="form-grid__actions">
            <button type="submit" className="button button--primary" disabled={p.running || !f.model || !f.asset}>
              {p.running ? t('prediction.rul.running') : t('prediction.rul.run')}
            </button>
          </div>
        </form>
      )}
      <ErrorNotice error={p.error} title={t('prediction.rul.failed')} />
      {p.result && <RulView result={p.result} />}
    </section>
  );
}

function RulView({ result: r }: { result: RulResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const { value, lower, upper, unit } = r.prediction;
  const level = Math.round(r.interval_level * 100);
  return (
    <div className="prediction-result" data-testid="rul-result">
      <div className="prediction-rul">
        <span className="prediction-rul__label">{t('prediction.rul.predicted', { asset: r.asset_id })}</span>
        <span className="prediction-rul__value" data-value={value}>
          {formatSig(value, lng, 3)} <span className="prediction-rul__unit">{unit}</span>
        </span>
        <span className="prediction-rul__interval">{t('prediction.rul.interval', { level, lower: formatSig(lower, lng, 3), upper: formatSig(upper, lng, 3), unit })}</span>
        <span className="muted">{t('prediction.rul.rows', { count: r.rows_used })}</span>
      </div>
      <ModelInfo info={r.model_info} testId="rul-model" />
    </div>
  );
}
