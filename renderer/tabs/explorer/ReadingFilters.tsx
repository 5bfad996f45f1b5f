import { useId, useMemo, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { localTimeZone } from '../../format/time';
import { useExplorer } from '../../stores/explorer-store';

export function ReadingFilters() {
  const { t } = useTranslation();
  const id = useId();
  const sensors = useExplorer((s) => s.sensors);
  const selected = useExplorer((s) => s.selected);
  const filters = useExplorer((s) => s.filters);
  const setFilters = useExplorer((s) => s.setFilters);
  const applyFilters = useExplorer((s) => s.applyFilters);
  const clearFilters = useExplorer((s) => s.clearFilters);
  const toggleSelected = useExplorer((s) => s.toggleSelected);
  // Offer the types and assets that exist, so nobody has to remember the spelling.
  const types = useMemo(() => [...new Set(sensors.map((s) => s.sensor_type).filter((v): v is string => !!v))].sort(), [sensors]);
  const assets = useMemo(() => [...new Set(sensors.map((s) => s.asset_id).filter((v): v is string => !!v))].sort(), [sensors]);
  const zoneHint = t('explorer.filters.localZone', { zone: localTimeZone() });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void applyFilters();
  };

  return (
    <form className="filters" onSubmit={submit} aria-label={t('explorer.filters.title')}>
      <div className="filters__sensors">
        <span className="filters__label">{t('explorer.filters.sensors')}</span>
        {selected.length === 0 ? (
          <span className="muted">{t('explorer.filters.allSensors')}</span>
        ) : (
          <ul className="chips">
            {selected.map((s) => (
              <li key={s}>
                <button type="button" className="chip" onClick={() => toggleSelected(s)} aria-label={t('explorer.filters.removeSensor', { id: s })}>
                  {s} <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="filters__grid">
        <Field id={`${id}-type`} label={t('explorer.filters.type')} list={`${id}-types`} value={filters.type} onChange={(e) => setFilters({ type: e.target.value })} />
        <datalist id={`${id}-types`}>
          {types.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        <Field id={`${id}-asset`} label={t('explorer.filters.asset')} list={`${id}-assets`} value={filters.asset} onChange={(e) => setFilters({ asset: e.target.value })} />
        <datalist id={`${id}-assets`}>
          {assets.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        <Field id={`${id}-from`} label={t('explorer.filters.from')} hint={zoneHint} type="datetime-local" step={1} value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        <Field id={`${id}-to`} label={t('explorer.filters.to')} hint={zoneHint} type="datetime-local" step={1} value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
      </div>
      <div className="row">
        <button type="submit" className="button button--primary">
          {t('explorer.filters.apply')}
        </button>
        <button type="button" className="button" onClick={() => void clearFilters()}>
          {t('explorer.filters.clear')}
        </button>
      </div>
    </form>
  );
}
