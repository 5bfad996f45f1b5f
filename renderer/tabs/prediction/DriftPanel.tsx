import { useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { usePrediction } from '../../stores/prediction-store';
import { useSession } from '../../stores/session-store';
import { useFieldMessages } from '../../components/use-issue-text';
import { SelectField, SensorOptions } from '../models/SelectField';
import { DriftView } from './DriftView';

export function DriftPanel() {
  const { t } = useTranslation();
  const id = useId();
  const p = usePrediction((s) => s.drift);
  const sensors = usePrediction((s) => s.sensors);
  const setForm = usePrediction((s) => s.setForm);
  const runDrift = usePrediction((s) => s.runDrift);
  const f = p.form;
  const fieldMessages = useFieldMessages();
  const canOperate = useSession((s) => s.can('operate'));
  const errors = (field: keyof typeof f, ...wire: string[]) => {
    const problem = p.problems[field];
    return fieldMessages(problem ? t(`prediction.invalid.${problem}`) : undefined, wire.flatMap((w) => p.fieldErrors[w] ?? []));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runDrift();
  };

  return (
    <section className="card" aria-labelledby="prediction-drift-title" data-testid="drift-panel">
      <h2 id="prediction-drift-title">{t('prediction.drift.title')}</h2>
      <p className="muted">{t('prediction.drift.intro')}</p>
      {!canOperate && (
        <p className="notice notice--info" data-testid="drift-view-only">
          {t('prediction.drift.viewOnly')}
        </p>
      )}
      <form className="form-grid" onSubmit={submit} noValidate data-testid="drift-form">
        <SelectField id={`${id}-sensor`} label={t('prediction.sensor')} value={f.sensor} onChange={(e) => setForm('drift', { sensor: e.target.value })} errors={errors('sensor', 'sensor_id', 'id')}>
          {sensors.length === 0 && <option value="">{t('prediction.noSensors')}</option>}
          <SensorOptions sensors={sensors} noAsset={t('models.noAsset')} />
        </SelectField>
        <Field id={`${id}-window`} label={t('prediction.drift.window')} hint={t('prediction.drift.windowHint')} inputMode="numeric" autoComplete="off"
          value={f.window} onChange={(e) => setForm('drift', { window: e.target.value })} errors={errors('window', 'window_minutes')} />
        <Field id={`${id}-reference`} label={t('prediction.drift.reference')} hint={t('prediction.drift.referenceHint')} inputMode="numeric" autoComplete="off"
          value={f.baseline} onChange={(e) => setForm('drift', { baseline: e.target.value })} errors={errors('baseline', 'baseline_minutes')} />
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
