import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { exportCsv } from '../../api/transfer';
import { formatDateTime, formatNumber } from '../../format/time';
import { PAGE_SIZES, useExplorer } from '../../stores/explorer-store';

export function ReadingsTable() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const lng = i18n.language;
  const s = useExplorer();
  const units = useMemo(() => new Map(s.sensors.map((x) => [x.id, x.unit])), [s.sensors]);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const page = s.cursors.length;
  const loading = s.readingsLoad === 'loading';

  const runExport = async () => {
    setExporting(true);
    setExported(null);
    setExportError(null);
    try {
      setExported(await exportCsv(s.exportInput()));
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="readings">
      <div className="toolbar">
        <button type="button" className="button" onClick={() => void s.toggleOrder()} title={t('explorer.readings.orderLabel')} data-testid="order-toggle">
          {s.order === 'desc' ? t('explorer.readings.newestFirst') : t('explorer.readings.oldestFirst')}
        </button>
        <label className="inline-field" htmlFor={`${id}-size`}>
          <span>{t('explorer.readings.pageSize')}</span>
          <select id={`${id}-size`} value={s.pageSize} onChange={(e) => void s.setPageSize(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar__spacer" />
        <button type="button" className="button" onClick={() => void runExport()} disabled={exporting} data-testid="export-csv">
          {exporting ? t('explorer.readings.exporting') : t('explorer.readings.export')}
        </button>
      </div>
      {exported && (
        <p className="notice notice--ok" role="status">
          {t('explorer.readings.exported', { name: exported })}
        </p>
      )}
      <ErrorNotice error={exportError} title={t('explorer.readings.exportFailed')} />
      <ErrorNotice error={s.readingsError} title={t('explorer.readings.loadFailed')} />
      {s.readingsLoad === 'ready' && s.readings.length === 0 ? (
        <EmptyState testId="readings-empty">{t('explorer.readings.empty')}</EmptyState>
      ) : (
        <div className="table-wrap" aria-busy={loading}>
          <table className="table" data-testid="readings-table">
            <caption className="visually-hidden">{t('explorer.readings.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('explorer.readings.col.sensor')}</th>
                <th scope="col">{t('explorer.readings.col.time')}</th>
                <th scope="col" className="num">{t('explorer.readings.col.value')}</th>
                <th scope="col" className="num">{t('explorer.readings.col.quality')}</th>
              </tr>
            </thead>
            <tbody>
              {s.readings.map((r) => (
                <tr key={`${r.sensor_id}|${r.timestamp}`}>
                  <td>{r.sensor_id}</td>
                  <td>
                    <time dateTime={r.timestamp}>{formatDateTime(r.timestamp, lng)}</time>
                  </td>
                  <td className="num" data-value={r.value}>
                    {formatNumber(r.value, lng)}
                    {units.get(r.sensor_id) ? <span className="unit"> {units.get(r.sensor_id)}</span> : null}
                  </td>
                  <td className="num">{formatNumber(r.quality, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label={t('explorer.readings.pages')}>
        <button type="button" className="button" onClick={() => void s.previousPage()} disabled={page <= 1 || loading}>
          {t('explorer.readings.previous')}
        </button>
        <span className="pager__page" aria-live="polite">
          {loading ? t('common.loading') : t('explorer.readings.page', { n: page, count: s.readings.length })}
        </span>
        <button type="button" className="button" onClick={() => void s.nextPage()} disabled={!s.nextCursor || loading}>
          {t('explorer.readings.next')}
        </button>
      </nav>
    </div>
  );
}
