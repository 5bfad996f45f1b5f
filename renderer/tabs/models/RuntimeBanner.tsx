import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useModels } from '../../stores/models-store';

/** Which runtime answers: TF.js (and on which backend) or the statistical fallback. */
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
  const disabled = health.model_loading === 'disabled';
  const counts = t('models.runtime.counts', { models: t('models.runtime.models', { count: health.models }), versions: t('models.runtime.versions', { count: health.versions }) });
  const jobs = health.jobs_running > 0 ? ` · ${t('models.runtime.jobs', { count: health.jobs_running })}` : '';
  return (
    <div
      className={`notice ${disabled ? 'notice--warn' : 'notice--ok'} models-runtime`}
      role="status"
      data-testid="ml-runtime"
      data-status={health.status}
      data-backend={health.backend ?? 'none'}
    >
      {disabled ? (
        <>
          <strong className="notice__title">{t('models.runtime.fallbackTitle')}</strong>
          <p>{t('models.runtime.fallbackText')}</p>
        </>
      ) : (
        <>
          <strong className="notice__title">
            {t('models.runtime.title', { backend: health.backend === 'cpu' ? t('models.runtime.cpu') : t('models.runtime.wasm') })}
          </strong>
          {health.backend === 'cpu' && <p>{t('models.runtime.cpuNote')}</p>}
        </>
      )}
      <p className="muted">
        {counts}
        {jobs}
      </p>
    </div>
  );
}
