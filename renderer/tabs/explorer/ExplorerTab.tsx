import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { subscribe } from '../../api/events';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useExplorer } from '../../stores/explorer-store';
import { ReadingFilters } from './ReadingFilters';
import { ReadingsTable } from './ReadingsTable';
import { SensorTable } from './SensorTable';
import { SeriesChart } from './SeriesChart';

/** Quiet time after the last readings.stored event before the Explorer reads again. */
const REFRESH_DEBOUNCE_MS = 400;

export function ExplorerTab() {
  const { t } = useTranslation();
  const loadSensors = useExplorer((s) => s.loadSensors);
  const hasSensors = useExplorer((s) => s.sensors.length > 0);
  const sensorsError = useExplorer((s) => s.sensorsError);

  // Each visit refreshes the list: readings may have arrived meanwhile.
  useEffect(() => {
    void loadSensors();
  }, [loadSensors]);

  // While the tab is open, stored readings show as they arrive. A burst of
  // batches (a gateway, an import in chunks) becomes one refresh.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribe(['readings.stored'], null, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void useExplorer.getState().refresh(), REFRESH_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, []);

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
