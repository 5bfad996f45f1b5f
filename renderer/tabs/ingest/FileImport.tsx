import { useId, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { hasBridge } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckField, Field } from '../../components/Field';
import { useFieldMessages } from '../../components/use-issue-text';
import { formatBytes } from '../../format/bytes';
import { useIngest } from '../../stores/ingest-store';
import { useSession } from '../../stores/session-store';
import { ImportSummary } from './ImportSummary';

export function FileImport() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const lng = i18n.language;
  const s = useIngest();
  const canRead = useSession((st) => st.can('read'));
  const desktop = hasBridge();
  const fieldMessages = useFieldMessages();
  const o = s.importOptions;
  const p = s.progress;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.runImport(canRead);
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('ingest.file.title')}</h2>
      <p className="muted">{t('ingest.file.intro')}</p>
      <form className="form-grid" onSubmit={submit} noValidate data-testid="import-form">
        {!desktop && (
          // The native picker's own words follow the browser's language, not the console's: draw our own.
          <div className="field field--wide">
            <span className="field__label" id={`${id}-file-label`}>{t('ingest.file.choose')}</span>
            <div className="file-picker">
              <input
                id={`${id}-file`}
                className="file-picker__input"
                type="file"
                accept=".csv,.ndjson,.jsonl,.txt,text/csv,application/x-ndjson"
                onChange={(e) => s.setFile(e.target.files?.[0] ?? null)}
                disabled={s.importing}
              />
              <label htmlFor={`${id}-file`} className="button">{t('ingest.file.pick')}</label>
              <span className={s.file ? 'file-picker__name' : 'muted'}>
                {s.file ? t('ingest.file.selected', { name: s.file.name, size: formatBytes(s.file.size, lng, t) }) : t('ingest.file.none')}
              </span>
            </div>
          </div>
        )}
        <Field id={`${id}-sensor`} label={t('ingest.file.sensorId')} hint={t('ingest.file.sensorIdHint')} value={o.sensor_id} errors={fieldMessages(undefined, s.importFieldErrors.sensor_id)}
          onChange={(e) => s.setImportOptions({ sensor_id: e.target.value })} spellCheck={false} autoComplete="off" />
        <Field id={`${id}-type`} label={t('ingest.file.sensorType')} value={o.sensor_type} errors={fieldMessages(undefined, s.importFieldErrors.sensor_type)}
          onChange={(e) => s.setImportOptions({ sensor_type: e.target.value })} autoComplete="off" />
        <Field id={`${id}-unit`} label={t('ingest.file.unit')} value={o.unit} errors={fieldMessages(undefined, s.importFieldErrors.unit)}
          onChange={(e) => s.setImportOptions({ unit: e.target.value })} autoComplete="off" />
        <div className="field field--wide checks">
          <CheckField id={`${id}-utc`} label={t('ingest.file.assumeUtc')} checked={o.assumeUtc} onChange={(e) => s.setImportOptions({ assumeUtc: e.target.checked })} />
          <CheckField id={`${id}-dry`} label={t('ingest.file.dryRun')} checked={o.dryRun} onChange={(e) => s.setImportOptions({ dryRun: e.target.checked })} />
        </div>
        <div className="form-grid__actions">
          <button type="submit" className="button button--primary" disabled={s.importing || (!desktop && !s.file)}>
            {s.importing ? t('ingest.file.importing') : desktop ? t('ingest.file.chooseAndImport') : t('ingest.file.start')}
          </button>
        </div>
      </form>
      {p && s.importing && (
        <div className="progress" data-testid="import-progress">
          <progress max={Math.max(1, p.total)} value={Math.min(p.sent, p.total)} aria-label={t('ingest.file.progressLabel')} />
          <p role="status">
            {t('ingest.file.progress', { sent: formatBytes(p.sent, lng, t), total: formatBytes(p.total, lng, t) })}
            {p.rows !== null && ` · ${t('ingest.file.rowsRead', { count: p.rows })}`}
          </p>
        </div>
      )}
      <ErrorNotice error={s.importError} title={t('ingest.file.failed')} />
      {s.importResult && <ImportSummary result={s.importResult} />}
    </section>
  );
}
