import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { usePrediction } from '../../stores/prediction-store';
import { AnomalyPanel } from './AnomalyPanel';
import { DriftPanel } from './DriftPanel';
import { ForecastPanel } from './ForecastPanel';
import { RulPanel } from './RulPanel';

export function PredictionTab() {
  const { t } = useTranslation();
  const loadSources = usePrediction((s) => s.loadSources);
  const sourcesError = usePrediction((s) => s.sourcesError);

  // Sensors and RUL models may have been added since the last visit.
  useEffect(() => {
    void loadSources();
  }, [loadSources]);

  return (
    <div className="prediction-tab">
      <h1 className="visually-hidden">{t('tabs.prediction')}</h1>
      <ErrorNotice error={sourcesError} title={t('prediction.sourcesFailed')} />
      <ForecastPanel />
      <AnomalyPanel />
      <div className="prediction-lower">
        <DriftPanel />
        <RulPanel />
      </div>
    </div>
  );
}
