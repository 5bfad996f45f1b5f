import { useEffect, useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field, FieldMessageItem } from '../../components/Field';
import { useFieldMessages } from '../../components/use-issue-text';
import { fieldLabel } from '../../format/error-text';
import { localTimeZone } from '../../format/time';
import { useIngest, type ManualField } from '../../stores/ingest-store';
import { ManualOutcomeNotice } from './ManualOutcomeNotice';

type FieldKey = `ingest.manual.field.${ManualField}`;
const FIELDS: ManualField[] = ['sensor_id', 'sensor_type', 'unit', 'asset_id', 'value', 'timestamp', 'quality'];

export function ManualReadingForm() {
  const { t } = useTranslation();
  const id = useId();
  const fieldMessages = useFieldMessages();
  const form = useIngest((s) => s.form);
  const fieldErrors = useIngest((s) => s.fieldErrors);
  const submitting = useIngest((s) => s.submitting);
  const formError = useIngest((s) => s.formError);
  const setField = useIngest((s) => s.setField);
  const submitReading = useIngest((s) => s.submitReading);
  const refreshTime = useIngest((s) => s.refreshTime);

  // A default time set an hour ago would file the reading an hour early.
  useEffect(() => refreshTime(), [refreshTime]);
  // Errors the station attributed to no input of this form still need to be seen.
  const otherErrors = Object.entries(fieldErrors).filter(([f, list]) => list && !(FIELDS as string[]).includes(f));
  const hasFieldErrors = Object.values(fieldErrors).some((l) => l && l.length > 0);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void submitReading();
  };

  const field = (name: ManualField, extra: Record<string, unknown> = {}) => (
    <Field
      id={`${id}-${name}`}
      name={name}
      label={t(`ingest.manual.field.${name}` as FieldKey)}
      value={form[name]}
      errors={fieldMessages(undefined, fieldErrors[name])}
      onChange={(e) => setField(name, e.target.value)}
      autoComplete="off"
      {...extra}
    />
  );

  return (
    <section className="card" aria-labelledby="manual-title">
      <h2 id="manual-title">{t('ingest.manual.title')}</h2>
      <p className="muted">{t('ingest.manual.intro')}</p>
      <form className="form-grid" onSubmit={submit} noValidate data-testid="manual-form">
        {field('sensor_id', { required: true, spellCheck: false, hint: t('ingest.manual.hint.sensor_id') })}
        {field('value', { required: true, inputMode: 'decimal', hint: t('ingest.manual.hint.value') })}
        <div className="field-with-action">
          {field('timestamp', { type: 'datetime-local', step: 1, required: true, hint: t('ingest.manual.hint.timestamp', { zone: localTimeZone() }) })}
          <button type="button" className="button" onClick={() => refreshTime(true)}>
            {t('ingest.manual.now')}
          </button>
        </div>
        {field('sensor_type', { hint: t('ingest.manual.hint.sensor_type') })}
        {field('unit', { hint: t('ingest.manual.hint.unit') })}
        {field('asset_id', { spellCheck: false })}
        {field('quality', { inputMode: 'decimal', hint: t('ingest.manual.hint.quality') })}
        <div className="form-grid__actions">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? t('ingest.manual.submitting') : t('ingest.manual.submit')}
          </button>
        </div>
      </form>
      {hasFieldErrors && (
        <div className="notice notice--error" role="alert" data-testid="manual-field-errors">
          <p>{t('ingest.manual.fixFields')}</p>
          {otherErrors.length > 0 && (
            <ul className="notice__issues">
              {otherErrors.flatMap(([f, list]) =>
                (fieldMessages(undefined, list) ?? []).map((m, n) => <FieldMessageItem key={`${f}-${n}`} message={typeof m === 'string' ? m : { ...m, text: `${fieldLabel(f, t)}: ${m.text}` }} />),
              )}
            </ul>
          )}
        </div>
      )}
      <ErrorNotice error={formError} title={t('ingest.manual.failed')} />
      <ManualOutcomeNotice />
    </section>
  );
}
