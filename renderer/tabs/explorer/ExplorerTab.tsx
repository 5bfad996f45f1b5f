import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useExplorer } from '../../stores/explorer-store';
import { ReadingFilters } from './ReadingFilters';
import { ReadingsTable } from './ReadingsTable';
import { SensorTable } from './SensorTable';
import { SeriesChart } from './SeriesChart';

export function ExplorerTab() {
  const { t } = useTranslation();
  const loadSensors = useExplorer((s) => s.loadSensors);
  const hasSensors = useExplorer((s) => s.sensors.length > 0);
  const sensorsError = useExplorer((s) => s.sensorsError);

  // Each visit refreshes the list: readings may have arrived meanwhile.
  useEffect(() => {
    void loadSensors();
  }, [loadSensors]);

  return (
    <div className="explorer">
      <h1 className="visually-hidden">{t('tabs.explorer')}</h1>
      <ErrorNotice error={sensorsError} title={t('explorer.sensors.loadFailed')} />
      <SensorTable />
      {hasSensors && (
        <>
          <SeriesChart />
          <section className="card" aria-labelledby="readings-title">
            <h2 id="readings-title">{t('explorer.readings.title')}</h2>
            <ReadingFilters />
            <ReadingsTable />
          </section>
        </>
      )}
    </div>
  );
}
