import { useId, useMemo, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MODEL_KINDS } from '../../../contract/models';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes } from '../../format/bytes';
import { Field, FieldMessageItem, type FieldMessage } from '../../components/Field';
import { localTimeZone } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { assetIds, isActive, MAX_CSV_BYTES, useTraining, type TrainField } from '../../stores/training-store';
import { useFieldMessages } from '../../components/use-issue-text';
import { SelectField, SensorOptions } from './SelectField';
import { TrainError } from './TrainError';
import { TrainingProgress } from './TrainingProgress';

export const TRAIN_FORM_ID = 'models-train';

/** The contract's name of a form field, where the station's messages are filed. */
const WIRE_FIELD: Partial<Record<TrainField, string>> = { asset: 'asset_id', sensor: 'sensor_id', assetCol: 'asset_col', timeCol: 'time_col', baselineRows: 'baseline_rows' };

export function TrainForm() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const id = useId();
  const s = useTraining();
  const health = useModels((st) => st.health);
  const assets = useMemo(() => assetIds(s.sensors), [s.sensors]);
  const f = s.form;
  const disabled = health?.model_loading === 'disabled' || health?.status === 'degraded';
  const busy = s.submitting || isActive(s.job);
  const zoneHint = t('models.train.windowHint', { zone: localTimeZone() });

  const fieldMessages = useFieldMessages();
  const errors = (field: TrainField) => {
    const p = s.problems[field];
    return fieldMessages(p ? t(`models.train.invalid.${p}`, { max: formatBytes(MAX_CSV_BYTES, lng, t) }) : undefined, s.fieldErrors[WIRE_FIELD[field] ?? field]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.start();
  };

  return (
    <section className="card" aria-labelledby={`${TRAIN_FORM_ID}-title`} id={TRAIN_FORM_ID}>
      <h2 id={`${TRAIN_FORM_ID}-title`}>{t('models.train.title')}</h2>
      <p className="muted">{t('models.train.intro')}</p>
      {disabled && (
        <p className="notice notice--warn" role="status" data-testid="train-unavailable">
          {health?.status === 'degraded' ? t('models.train.degraded') : t('models.train.disabled')}
        </p>
      )}
      <ErrorNotice error={s.sensorsError} title={t('models.train.sensorsFailed')} />
      <form className="models-train" onSubmit={submit} noValidate data-testid="train-form">
        <fieldset className="models-kinds" disabled={busy}>
          <legend>{t('models.train.kind')}</legend>
          {MODEL_KINDS.map((k) => (
            <label key={k} className={`models-kind${f.kind === k ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-kind`} value={k} checked={f.kind === k} onChange={() => s.setField('kind', k)} />
              <span className="models-kind__name">{t(`models.kind.${k}`)}</span>
              <span className="models-kind__hint">{t(`models.train.kindHint.${k}`)}</span>
            </label>
          ))}
        </fieldset>

        <div className="form-grid">
          {f.kind === 'anomaly' && (
            <SelectField id={`${id}-asset`} label={t('models.train.asset')} hint={t('models.train.assetHint')} value={f.asset}
              onChange={(e) => s.setField('asset', e.target.value)} errors={errors('asset')} disabled={busy}>
              {assets.length === 0 && <option value="">{t('models.train.noAssets')}</option>}
              {assets.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </SelectField>
          )}
          {f.kind === 'forecast' && (
            <SelectField id={`${id}-sensor`} label={t('models.train.sensor')} hint={t('models.train.sensorHint')} value={f.sensor}
              onChange={(e) => s.setField('sensor', e.target.value)} errors={errors('sensor')} disabled={busy}>
              {s.sensors.length === 0 && <option value="">{t('models.train.noSensors')}</option>}
              <SensorOptions sensors={s.sensors} noAsset={t('models.noAsset')} />
            </SelectField>
          )}
          {f.kind === 'rul' && <RulFields id={id} busy={busy} errors={errors} />}
        </div>

        <details className="models-advanced">
          <summary>{t('models.train.advanced')}</summary>
          <div className="form-grid">
            {f.kind !== 'rul' && (
              <div className="form-grid__row">
                <Field id={`${id}-from`} label={t('models.train.from')} hint={zoneHint} type="datetime-local" step={1} value={f.from}
                  onChange={(e) => s.setField('from', e.target.value)} errors={errors('from')} disabled={busy} />
                <Field id={`${id}-to`} label={t('models.train.to')} hint={zoneHint} type="datetime-local" step={1} value={f.to}
                  onChange={(e) => s.setField('to', e.target.value)} errors={errors('to')} disabled={busy} />
              </div>
            )}
            <Field id={`${id}-epochs`} label={t('models.train.epochs')} hint={t('models.train.epochsHint')} inputMode="numeric" value={f.epochs}
              onChange={(e) => s.setField('epochs', e.target.value)} errors={errors('epochs')} disabled={busy} autoComplete="off" />
            {f.kind === 'anomaly' && (
              <Field id={`${id}-baseline`} label={t('models.train.baselineRows')} hint={t('models.train.baselineRowsHint')} inputMode="numeric" value={f.baselineRows}
                onChange={(e) => s.setField('baselineRows', e.target.value)} errors={errors('baselineRows')} disabled={busy} autoComplete="off" />
            )}
            <Field id={`${id}-seed`} label={t('models.train.seed')} hint={t('models.train.seedHint')} inputMode="numeric" value={f.seed}
              onChange={(e) => s.setField('seed', e.target.value)} errors={errors('seed')} disabled={busy} autoComplete="off" />
            <Field id={`${id}-name`} label={t('models.train.name')} hint={t('models.train.nameHint')} value={f.name} spellCheck={false}
              onChange={(e) => s.setField('name', e.target.value)} errors={errors('name')} disabled={busy} autoComplete="off" />
          </div>
        </details>

        <div className="form-grid__actions">
          <button type="submit" className="button button--primary models-start" disabled={busy || disabled}>
            {s.submitting ? t('models.train.starting') : t('models.train.start')}
          </button>
        </div>
      </form>
      <TrainError error={s.trainError} />
      <TrainingProgress />
    </section>
  );
}

function RulFields({ id, busy, errors }: { id: string; busy: boolean; errors(field: TrainField): FieldMessage[] | undefined }) {
  const { t, i18n } = useTranslation();
  const s = useTraining();
  const f = s.form;
  const columns = s.csv?.columns ?? [];
  const csvErrors = errors('csv');
  const column = (field: 'assetCol' | 'timeCol', label: string, hint: string) =>
    columns.length > 1 ? (
      <SelectField id={`${id}-${field}`} label={label} hint={hint} value={f[field]} onChange={(e) => s.setField(field, e.target.value)} errors={errors(field)} disabled={busy}>
        <option value="">{t('models.train.chooseColumn')}</option>
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </SelectField>
    ) : (
      <Field id={`${id}-${field}`} label={label} hint={hint} value={f[field]} onChange={(e) => s.setField(field, e.target.value)} errors={errors(field)} disabled={busy} spellCheck={false} autoComplete="off" />
    );

  return (
    <>
      <div className={`field field--wide${csvErrors ? ' field--invalid' : ''}`}>
        <span className="field__label">{t('models.train.csv')}</span>
        {/* The native picker speaks the browser's language, not the console's: draw our own button. */}
        <div className="file-picker">
          <input id={`${id}-csv`} className="file-picker__input" type="file" accept=".csv,.txt,text/csv" disabled={busy}
            aria-describedby={`${id}-csv-hint${csvErrors ? ` ${id}-csv-error` : ''}`}
            onChange={(e) => void s.setCsv(e.target.files?.[0] ?? null)} />
          <label htmlFor={`${id}-csv`} className="button">{t('models.train.csvPick')}</label>
          <span className={s.csv ? 'file-picker__name' : 'muted'} data-testid="rul-csv-name">
            {s.csv ? t('models.train.csvSelected', { name: s.csv.name, size: formatBytes(s.csv.size, i18n.language, t), columns: s.csv.columns.length }) : t('models.train.csvNone')}
          </span>
        </div>
        {csvErrors && (
          <ul className="field__errors" id={`${id}-csv-error`}>
            {csvErrors.map((m, n) => (
              <FieldMessageItem key={n} message={m} />
            ))}
          </ul>
        )}
        <p className="field__hint" id={`${id}-csv-hint`}>
          {t('models.train.csvHint')}
        </p>
      </div>
      {column('assetCol', t('models.train.assetCol'), t('models.train.assetColHint'))}
      {column('timeCol', t('models.train.timeCol'), t('models.train.timeColHint'))}
      <Field id={`${id}-cap`} label={t('models.train.cap')} hint={t('models.train.capHint')} inputMode="decimal" value={f.cap}
        onChange={(e) => s.setField('cap', e.target.value)} errors={errors('cap')} disabled={busy} autoComplete="off" />
      <Field id={`${id}-dataset`} label={t('models.train.dataset')} hint={t('models.train.datasetHint')} value={f.dataset} spellCheck={false}
        onChange={(e) => s.setField('dataset', e.target.value)} errors={errors('dataset')} disabled={busy} autoComplete="off" />
    </>
  );
}
