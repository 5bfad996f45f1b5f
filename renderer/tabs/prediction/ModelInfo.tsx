import { useTranslation } from 'react-i18next';
import type { ModelInfo as Info } from '../../../contract/models';
import { TechnicalDetails } from '../../components/TechnicalDetails';

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
        {info.model_name !== null ? t('prediction.model.nameVersion', { name: info.model_name, version: info.model_version ?? '?' }) : t('prediction.model.none')}
      </span>
      {info.fallback && (
        <>
          <span className="prediction-fallback" data-testid="fallback-badge">
            {t('prediction.model.fallback')}
          </span>
          {/* Said from the station's code in the operator's language; its own words folded away behind it. */}
          <div className="prediction-model__reason" data-testid="fallback-reason" data-code={info.fallback_code ?? undefined}>
            {info.fallback_code ? t(`prediction.fallbackCode.${info.fallback_code}`) : t('prediction.model.fallbackWhy')}
            <TechnicalDetails detail={info.fallback_reason ?? undefined} />
          </div>
        </>
      )}
    </div>
  );
}
