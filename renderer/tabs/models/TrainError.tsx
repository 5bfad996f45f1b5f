import { useTranslation } from 'react-i18next';
import { ApiError, isRecord } from '../../api/api-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TechnicalDetails } from '../../components/TechnicalDetails';
import { formatWait } from '../../format/error-text';

/**
 * Why a training did not start. A full queue (429: this operator's jobs,
 * 503: the station's) is said with how many wait and how long to wait
 * before trying again; anything else as any error.
 */
export function TrainError({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (error === null || error === undefined) return null;
  const full = error instanceof ApiError && (error.status === 429 || error.status === 503) && isRecord(error.details) && typeof error.details.queued === 'number';
  if (!full) return <ErrorNotice error={error} title={t('models.train.failedToStart')} />;
  const { queued, limit } = error.details as { queued: number; limit?: number };
  const params = { queued, limit: limit ?? '—' };
  return (
    <div className="notice notice--warn" role="alert" data-testid="train-queue-full" data-status={error.status} data-retry-after={error.retryAfterS}>
      <strong className="notice__title">{t('models.train.failedToStart')}</strong>
      <p>{error.status === 429 ? t('models.train.queueFullMine', params) : t('models.train.queueFull', params)}</p>
      {error.retryAfterS !== undefined && <p>{t('errors.waitFor', { wait: formatWait(error.retryAfterS, i18n.language) })}</p>}
      <TechnicalDetails detail={error.message} />
    </div>
  );
}
