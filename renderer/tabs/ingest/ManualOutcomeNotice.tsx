import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../format/time';
import { useIngest } from '../../stores/ingest-store';

/** Stored, already there, or refused as a conflict — each said plainly. */
export function ManualOutcomeNotice() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const outcome = useIngest((s) => s.outcome);
  if (!outcome) return null;
  if (outcome.kind === 'conflict') {
    const c = outcome.conflict;
    return (
      <div className="notice notice--warn" role="alert" data-testid="manual-outcome" data-outcome="conflict">
        <p>
          {t('ingest.outcome.conflict', {
            sensor: c.sensor_id,
            time: formatDateTime(c.timestamp, lng),
            stored: formatNumber(c.stored_value, lng),
            value: formatNumber(c.value, lng),
          })}
        </p>
      </div>
    );
  }
  const { result } = outcome;
  return (
    <div className={`notice ${outcome.kind === 'stored' ? 'notice--ok' : 'notice--info'}`} role="status" data-testid="manual-outcome" data-outcome={outcome.kind}>
      <p>{outcome.kind === 'stored' ? t('ingest.outcome.stored', { sensor: outcome.sensor }) : t('ingest.outcome.duplicate')}</p>
      {result.sensors_registered.length > 0 && <p>{t('ingest.outcome.newSensor', { ids: result.sensors_registered.join(', ') })}</p>}
    </div>
  );
}
