import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { localTimeZone } from '../../format/time';
import { useExplorer } from '../../stores/explorer-store';
import { seriesData, seriesOptions, type ChartLabels } from './chart-setup';

/** Width rounded so small resizes do not refetch the series. */
const roundWidth = (px: number) => Math.max(100, Math.round(px / 100) * 100);

function formatBucket(ms: number, lng: string): string {
  const units: [Intl.NumberFormatOptions['unit'], number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
  for (const [unit, size] of units) {
    if (ms >= size) return new Intl.NumberFormat(lng, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(ms / size);
  }
  return new Intl.NumberFormat(lng, { style: 'unit', unit: 'millisecond', unitDisplay: 'long' }).format(ms);
}

export function SeriesChart() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const focused = useExplorer((s) => s.focused);
  const applied = useExplorer((s) => s.applied);
  const series = useExplorer((s) => s.series);
  const load = useExplorer((s) => s.seriesLoad);
  const error = useExplorer((s) => s.seriesError);
  const loadSeries = useExplorer((s) => s.loadSeries);
  const unit = useExplorer((s) => s.sensors.find((x) => x.id === s.focused)?.unit ?? '');
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(roundWidth(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // About one bucket per pixel: more could not be seen, fewer would hide spikes.
  useEffect(() => {
    if (width > 0) void loadSeries(width);
  }, [focused, applied, width, loadSeries]);

  const labels: ChartLabels = useMemo(
    () => ({ min: t('explorer.chart.min'), max: t('explorer.chart.max'), mean: t('explorer.chart.mean'), band: t('explorer.chart.band'), axis: t('explorer.chart.axis', { zone: localTimeZone() }), unit }),
    [t, unit],
  );
  const data = useMemo(() => (series ? seriesData(series, labels) : null), [series, labels]);
  const options = useMemo(() => (series ? seriesOptions(series, labels, lng) : null), [series, labels, lng]);
  const points = series?.points.length ?? 0;
  const perPoint = series && points > 0 ? Math.max(...series.points.map((p) => p.count)) : 0;

  return (
    <section className="card" aria-labelledby="chart-title">
      <div className="card__head">
        <h2 id="chart-title">{focused ? t('explorer.chart.title', { id: focused }) : t('explorer.chart.titleNone')}</h2>
        {series && perPoint > 0 && (
          <span className="muted" data-testid="series-source" data-source={series.source}>
            {perPoint > 1 ? `${t('explorer.chart.bucket', { duration: formatBucket(series.bucket_ms, lng) })} · ${t(`explorer.chart.source.${series.source}`)}` : t('explorer.chart.onePerPoint')}
          </span>
        )}
      </div>
      <ErrorNotice error={error} title={t('explorer.chart.loadFailed')} />
      <div className="chart" ref={box} data-testid="series-chart" data-points={points} aria-busy={load === 'loading'}>
        {!focused ? (
          <EmptyState>{t('explorer.chart.none')}</EmptyState>
        ) : load === 'ready' && points === 0 ? (
          <EmptyState>{t('explorer.chart.empty')}</EmptyState>
        ) : data && options ? (
          <Line data={data} options={options} role="img" aria-label={t('explorer.chart.aria', { id: series?.sensor_id ?? '', count: points })} />
        ) : null}
      </div>
    </section>
  );
}
