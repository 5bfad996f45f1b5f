import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useModels, type MlHealth } from '../../stores/models-store';

const TONE: Record<MlHealth['status'], string> = { ok: 'notice--ok', degraded: 'notice--warn', fallback: 'notice--warn' };

/**
 * Which runtime answers, from the station's own reading of it: TF.js (and
 * on which backend), a model worker that cannot start (training is off),
 * or the statistical fallback of safe mode.
 */
export function RuntimeBanner() {
  const { t } = useTranslation();
  const health = useModels((s) => s.health);
  const error = useModels((s) => s.healthError);
  if (error) return <ErrorNotice error={error} title={t('models.runtime.loadFailed')} />;
  if (!health) {
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
  }
  const counts = t('models.runtime.counts', { models: t('models.runtime.models', { count: health.models }), versions: t('models.runtime.versions', { count: health.versions }) });
  const jobs = [
    ...(health.jobs_running > 0 ? [t('models.runtime.jobs', { count: health.jobs_running })] : []),
    ...(health.jobs_queued > 0 ? [t('models.runtime.queued', { count: health.jobs_queued })] : []),
  ];
  const backend = health.worker.backend ?? health.backend;
  return (
    <div
      className={`notice ${TONE[health.status]} models-runtime`}
      role="status"
      data-testid="ml-runtime"
      data-status={health.status}
      data-worker={health.worker.state}
      data-backend={backend ?? 'none'}
    >
      {health.status === 'fallback' ? (
        <>
          <strong className="notice__title">{t('models.runtime.fallbackTitle')}</strong>
          <p>{t('models.runtime.fallbackText')}</p>
        </>
      ) : health.status === 'degraded' ? (
        <>
          <strong className="notice__title">{t('models.runtime.degradedTitle')}</strong>
          <p>{t('models.runtime.degradedText')}</p>
          {health.worker.error && (
            <p data-testid="ml-worker-error">
              {t('models.runtime.workerError')} <code lang="en">{health.worker.error}</code>
            </p>
          )}
        </>
      ) : health.worker.state === 'starting' ? (
        <strong className="notice__title">{t('models.runtime.startingTitle')}</strong>
      ) : (
        <>
          <strong className="notice__title">{t('models.runtime.title', { backend: backend === 'cpu' ? t('models.runtime.cpu') : t('models.runtime.wasm') })}</strong>
          {backend === 'cpu' && <p>{t('models.runtime.cpuNote')}</p>}
        </>
      )}
      <p className="muted">{[counts, ...jobs].join(' · ')}</p>
    </div>
  );
}
