import { useTranslation } from 'react-i18next';
import type { ModelInfo as Info } from '../../../contract/ml';

/** What produced a result, with the fallback said out loud: an operator must know when no trained model answered. */
export function ModelInfo({ info, testId }: { info: Info; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div className={`prediction-model${info.fallback ? ' prediction-model--fallback' : ''}`} data-testid={testId} data-fallback={info.fallback} data-method={info.method}>
      <span>
        <span className="prediction-model__label">{t('prediction.model.method')}</span> {t(`prediction.method.${info.method}`)}
      </span>
      <span>
        <span className="prediction-model__label">{t('prediction.model.model')}</span>{' '}
        {info.name !== null ? t('prediction.model.nameVersion', { name: info.name, version: info.version ?? '?' }) : t('prediction.model.none')}
      </span>
      {info.fallback && (
        <>
          <span className="prediction-fallback" data-testid="fallback-badge">
            {t('prediction.model.fallback')}
          </span>
          {info.fallback_reason && <span className="prediction-model__reason">{info.fallback_reason}</span>}
        </>
      )}
    </div>
  );
}
