import { useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatNumber } from '../../format/time';
import { usePrediction, type DriftResult } from '../../stores/prediction-store';
import { formatSig } from '../models/model-format';
import { fieldMessages, SelectField, SensorOptions } from '../models/SelectField';

export function DriftPanel() {
  const { t } = useTranslation();
  const id = useId();
  const p = usePrediction((s) => s.drift);
  const sensors = usePrediction((s) => s.sensors);
  const setForm = usePrediction((s) => s.setForm);
  const runDrift = usePrediction((s) => s.runDrift);
  const f = p.form;
  const errors = (field: keyof typeof f, wire: string) => {
    const problem = p.problems[field];
    return fieldMessages(problem ? t(`prediction.invalid.${problem}`) : undefined, p.fieldErrors[wire]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runDrift();
  };

  return (
    <section className="card" aria-labelledby="prediction-drift-title" data-testid="drift-panel">
      <h2 id="prediction-drift-title">{t('prediction.drift.title')}</h2>
      <p className="muted">{t('prediction.drift.intro')}</p>
      <form className="form-grid" onSubmit={submit} noValidate data-testid="drift-form">
        <SelectField id={`${id}-sensor`} label={t('prediction.sensor')} value={f.sensor} onChange={(e) => setForm('drift', { sensor: e.target.value })} errors={errors('sensor', 'sensor_id')}>
          {sensors.length === 0 && <option value="">{t('prediction.noSensors')}</option>}
          <SensorOptions sensors={sensors} noAsset={t('models.noAsset')} />
        </SelectField>
        <Field id={`${id}-window`} label={t('prediction.drift.window')} hint={t('prediction.drift.windowHint')} inputMode="numeric" autoComplete="off"
          value={f.window} onChange={(e) => setForm('drift', { window: e.target.value })} errors={errors('window', 'window_minutes')} />
        <Field id={`${id}-reference`} label={t('prediction.drift.reference')} hint={t('prediction.drift.referenceHint')} inputMode="numeric" autoComplete="off"
          value={f.reference} onChange={(e) => setForm('drift', { reference: e.target.value })} errors={errors('reference', 'reference_minutes')} />
        <div className="form-grid__actions">
          <button type="submit" className="button button--primary" disabled={p.running || !f.sensor}>
            {p.running ? t('prediction.drift.running') : t('prediction.drift.run')}
          </button>
        </div>
      </form>
      <ErrorNotice error={p.error} title={t('prediction.drift.failed')} />
      {p.result && <DriftView result={p.result} />}
    </section>
  );
}

function DriftView({ result: r }: { result: DriftResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const verdict = r.insufficient_data ? 'insufficient' : r.drift_detected ? 'drift' : 'stable';
  const tone = verdict === 'drift' ? 'notice--warn' : verdict === 'stable' ? 'notice--ok' : 'notice--info';
  const pBelow = r.p_value !== null && r.p_value < r.p_value_threshold;
  const psiAbove = r.psi !== null && r.psi > r.psi_threshold;

  return (
    <div className="prediction-result" data-testid="drift-result" data-verdict={verdict}>
      <div className={`notice ${tone}`} role="status">
        <strong className="notice__title">{t(`prediction.drift.verdict.${verdict}`, { sensor: r.sensor_id })}</strong>
        <p>{t(`prediction.drift.explain.${verdict}`, { minutes: formatNumber(r.window_minutes, lng) })}</p>
        {r.notes && <p className="muted">{r.notes}</p>}
        {r.event_id && <p>{t('prediction.drift.event', { id: r.event_id })}</p>}
      </div>
      <div className="table-wrap">
        <table className="table prediction-drift-table">
          <caption className="visually-hidden">{t('prediction.drift.caption', { sensor: r.sensor_id })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('prediction.drift.col.measure')}</th>
              <th scope="col" className="num">{t('prediction.drift.col.value')}</th>
              <th scope="col" className="num">{t('prediction.drift.col.limit')}</th>
            </tr>
          </thead>
          <tbody>
            <Row measure="ks" name={t('prediction.drift.ks')} meaning={t('prediction.drift.ksMeaning')} value={formatSig(r.ks_statistic, lng, 3)} limit="—" />
            <Row measure="p" flagged={pBelow} name={t('prediction.drift.p')} value={formatSig(r.p_value, lng, 3)}
              meaning={r.p_value === null ? null : pBelow ? t('prediction.drift.pDiffers') : t('prediction.drift.pSame')}
              limit={t('prediction.drift.below', { limit: formatSig(r.p_value_threshold, lng) })} />
            <Row measure="psi" flagged={psiAbove} name={t('prediction.drift.psi')} value={formatSig(r.psi, lng, 3)}
              meaning={r.psi === null ? null : psiAbove ? t('prediction.drift.psiShifted') : t('prediction.drift.psiStable')}
              limit={t('prediction.drift.above', { limit: formatSig(r.psi_threshold, lng) })} />
            <Row measure="counts" name={t('prediction.drift.counts')} meaning={t('prediction.drift.countsMeaning')}
              value={`${formatNumber(r.recent_count, lng)} / ${formatNumber(r.baseline_count, lng)}`}
              limit="—" />
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface RowProps {
  measure: string;
  name: string;
  meaning: string | null;
  value: string;
  limit: string;
  flagged?: boolean;
}

/** One measure: its value, the limit that means drift, and what the value says in words. */
function Row({ measure, name, meaning, value, limit, flagged = false }: RowProps) {
  return (
    <tr data-measure={measure} className={flagged ? 'prediction-flag' : undefined}>
      <th scope="row">
        {name}
        {meaning && <span className="prediction-meaning">{meaning}</span>}
      </th>
      <td className="num">{value}</td>
      <td className="num">{limit}</td>
    </tr>
  );
}
