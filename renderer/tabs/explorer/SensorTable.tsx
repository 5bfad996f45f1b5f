import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { formatDateTime, formatNumber } from '../../format/time';
import { useExplorer } from '../../stores/explorer-store';
import { useSession } from '../../stores/session-store';

export function SensorTable() {
  const { t, i18n } = useTranslation();
  const sensors = useExplorer((s) => s.sensors);
  const load = useExplorer((s) => s.sensorsLoad);
  const selected = useExplorer((s) => s.selected);
  const focused = useExplorer((s) => s.focused);
  const focus = useExplorer((s) => s.focus);
  const toggleSelected = useExplorer((s) => s.toggleSelected);
  const loadSensors = useExplorer((s) => s.loadSensors);
  const canIngest = useSession((s) => s.can('ingest'));
  const lng = i18n.language;

  return (
    <section className="card" aria-labelledby="sensors-title">
      <div className="card__head">
        <h2 id="sensors-title">{t('explorer.sensors.title')}</h2>
        <span className="muted" role="status">
          {load === 'loading' ? t('common.loading') : t('explorer.sensors.count', { count: sensors.length })}
        </span>
        <button type="button" className="button" onClick={() => void loadSensors()} disabled={load === 'loading'}>
          {t('common.refresh')}
        </button>
      </div>
      {load === 'ready' && sensors.length === 0 ? (
        <EmptyState testId="sensors-empty">{canIngest ? t('explorer.sensors.emptyWithIngest') : t('explorer.sensors.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="sensor-table">
            <caption className="visually-hidden">{t('explorer.sensors.caption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="col-check">{t('explorer.sensors.col.filter')}</th>
                <th scope="col">{t('explorer.sensors.col.id')}</th>
                <th scope="col">{t('explorer.sensors.col.asset')}</th>
                <th scope="col">{t('explorer.sensors.col.type')}</th>
                <th scope="col">{t('explorer.sensors.col.unit')}</th>
                <th scope="col" className="num">{t('explorer.sensors.col.count')}</th>
                <th scope="col">{t('explorer.sensors.col.first')}</th>
                <th scope="col">{t('explorer.sensors.col.last')}</th>
                <th scope="col" className="num">{t('explorer.sensors.col.latest')}</th>
              </tr>
            </thead>
            <tbody>
              {sensors.map((s) => (
                <tr
                  key={s.id}
                  data-sensor={s.id}
                  className={s.id === focused ? 'is-focused' : undefined}
                  // The whole row is a target for a gloved hand; the button inside serves keyboards.
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('button, input, label')) return;
                    focus(s.id);
                  }}
                >
                  <td className="col-check">
                    <label className="hit" title={t('explorer.sensors.include', { id: s.id })}>
                      <input
                        type="checkbox"
                        checked={selected.includes(s.id)}
                        onChange={() => toggleSelected(s.id)}
                        aria-label={t('explorer.sensors.include', { id: s.id })}
                      />
                    </label>
                  </td>
                  <td>
                    <button type="button" className="link-button" aria-pressed={s.id === focused} onClick={() => focus(s.id)}>
                      {s.id}
                    </button>
                  </td>
                  <td>{s.asset_id ?? '—'}</td>
                  <td>{s.sensor_type ?? '—'}</td>
                  <td>{s.unit ?? '—'}</td>
                  <td className="num">{formatNumber(s.reading_count, lng)}</td>
                  <td>{formatDateTime(s.first_timestamp, lng)}</td>
                  <td>{formatDateTime(s.last_timestamp, lng)}</td>
                  <td className="num">{formatNumber(s.last_value, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
