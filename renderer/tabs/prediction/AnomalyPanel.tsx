import { useId, useMemo, useState, type FormEvent } from 'react';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import type { AnomalyWire } from '../../../contract/models';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatDateTime, formatNumber, localTimeZone, toMs } from '../../format/time';
import { usePrediction, type DetectResult } from '../../stores/prediction-store';
import { assetIds } from '../../stores/training-store';
import { formatDuration, formatPercent, formatSig } from '../models/model-format';
import { useFieldMessages } from '../../components/use-issue-text';
import { SelectField } from '../models/SelectField';
import { ChartLegend } from './ChartLegend';
import { COLORS, periodShading, scoreData, scoreOptions, scoreSpan, type ScoreLabels } from './chart-setup';
import { DetectBasis } from './DetectBasis';
import { ModelInfo } from './ModelInfo';
import { aboveThreshold, anomalySpans } from './score-marks';

/** Anomalies listed before "Show all"; a long list hides the recent ones. */
const SHOWN = 10;
/** Sensors shown per anomaly: the few that explain it. */
const TOP_SENSORS = 5;
type Order = 'recent' | 'score';

export function AnomalyPanel() {
  const { t } = useTranslation();
  const id = useId();
  const p = usePrediction((s) => s.detect);
  const sensors = usePrediction((s) => s.sensors);
  const setForm = usePrediction((s) => s.setForm);
  const runDetect = usePrediction((s) => s.runDetect);
  const assets = useMemo(() => assetIds(sensors), [sensors]);
  const f = p.form;
  const zoneHint = t('prediction.localZone', { zone: localTimeZone() });
  const fieldMessages = useFieldMessages();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runDetect();
  };

  return (
    <section className="card" aria-labelledby="prediction-detect-title" data-testid="detect-panel">
      <h2 id="prediction-detect-title">{t('prediction.detect.title')}</h2>
      <p className="muted">{t('prediction.detect.intro')}</p>
      <form className="form-grid" onSubmit={submit} noValidate data-testid="detect-form">
        <SelectField id={`${id}-asset`} label={t('prediction.asset')} value={f.asset} onChange={(e) => setForm('detect', { asset: e.target.value })}
          errors={fieldMessages(p.problems.asset ? t(`prediction.invalid.${p.problems.asset}`) : undefined, p.fieldErrors.asset_id)}>
          {assets.length === 0 && <option value="">{t('prediction.noAssets')}</option>}
          {assets.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </SelectField>
        <div className="form-grid__row">
          <Field id={`${id}-from`} label={t('prediction.detect.from')} hint={zoneHint} type="datetime-local" step={1} value={f.from}
            onChange={(e) => setForm('detect', { from: e.target.value })} errors={fieldMessages(undefined, p.fieldErrors.from)} />
          <Field id={`${id}-to`} label={t('prediction.detect.to')} hint={zoneHint} type="datetime-local" step={1} value={f.to}
            onChange={(e) => setForm('detect', { to: e.target.value })} errors={fieldMessages(undefined, p.fieldErrors.to)} />
        </div>
        <div className="form-grid__actions">
          <button type="submit" className="button button--primary" disabled={p.running || !f.asset}>
            {p.running ? t('prediction.detect.running') : t('prediction.detect.run')}
          </button>
        </div>
      </form>
      <ErrorNotice error={p.error} title={t('prediction.detect.failed')} />
      {p.result && <DetectView key={`${p.result.asset_id}|${p.result.windows_scored}|${p.result.anomaly_count}`} result={p.result} />}
    </section>
  );
}

function DetectView({ result }: { result: DetectResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [order, setOrder] = useState<Order>('recent');
  const [showAll, setShowAll] = useState(false);
  const labels: ScoreLabels = useMemo(
    () => ({ score: t('prediction.detect.score'), threshold: t('prediction.detect.threshold'), anomaly: t('prediction.detect.anomalous'), axis: t('prediction.axis', { zone: localTimeZone() }) }),
    [t],
  );
  const data = useMemo(() => scoreData(result, labels), [result, labels]);
  const options = useMemo(() => scoreOptions(result, labels, lng), [result, labels, lng]);
  const above = useMemo(() => aboveThreshold(result.scores, result.threshold).length, [result]);
  const spans = useMemo(() => anomalySpans(result.anomalies, ...scoreSpan(result)), [result]);
  const plugins = useMemo(() => [periodShading(spans)], [spans]);
  const sorted = useMemo(
    () => [...result.anomalies].sort((a, b) => (order === 'recent' ? toMs(b.start) - toMs(a.start) : b.peak_score - a.peak_score)),
    [result.anomalies, order],
  );
  const shown = showAll ? sorted : sorted.slice(0, SHOWN);
  const counts: [string, string][] = [
    [t('prediction.detect.sensors'), formatNumber(result.sensors.length, lng)],
    [t('prediction.detect.readings'), formatNumber(result.total_readings_analyzed, lng)],
    [t('prediction.detect.windows'), formatNumber(result.windows_scored, lng)],
    [t('prediction.detect.threshold'), formatSig(result.threshold, lng)],
    [t('prediction.detect.anomalies'), formatNumber(result.anomaly_count, lng)],
  ];

  return (
    <div className="prediction-result" data-testid="detect-result" data-asset={result.asset_id} data-count={result.anomaly_count}>
      <div className="prediction-result__head">
        <h3>{t('prediction.detect.resultTitle', { asset: result.asset_id })}</h3>
        <span className="muted">{result.sensors.join(', ')}</span>
      </div>
      <ModelInfo info={result.model_info} testId="detect-model" />
      <DetectBasis result={result} />
      <dl className="summary__counts prediction-counts">
        {counts.map(([k, v]) => (
          <div key={k} className="count">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {result.scores.length > 1 && (
        <>
          <div className="chart prediction-chart prediction-chart--scores" data-testid="score-chart" data-points={result.scores.length} data-above={above} data-periods={spans.length}>
            <Line data={data} options={options} plugins={plugins} role="img" aria-label={t('prediction.detect.aria', { asset: result.asset_id, count: result.anomaly_count })} />
          </div>
          <ChartLegend
            label={t('prediction.legend')}
            testId="score-legend"
            items={[
              { key: 'score', label: labels.score, look: 'line', color: COLORS.score },
              { key: 'threshold', label: labels.threshold, look: 'dotted', color: COLORS.threshold },
              { key: 'above', label: labels.anomaly, look: 'point', color: COLORS.anomaly },
              { key: 'period', label: t('prediction.detect.period'), look: 'band', color: COLORS.period, edge: COLORS.periodEdge },
            ]}
          />
        </>
      )}
      {result.anomalies.length === 0 ? (
        <EmptyState testId="anomalies-empty">{t('prediction.detect.none', { count: result.total_readings_analyzed, readings: formatNumber(result.total_readings_analyzed, lng) })}</EmptyState>
      ) : (
        <>
          <div className="toolbar prediction-toolbar">
            <h4>{t('prediction.detect.listTitle', { count: result.anomalies.length })}</h4>
            <span className="toolbar__spacer" />
            <div className="segmented" role="group" aria-label={t('prediction.detect.order')}>
              {(['recent', 'score'] as const).map((o) => (
                <button key={o} type="button" aria-pressed={order === o} onClick={() => setOrder(o)}>
                  {t(`prediction.detect.orderBy.${o}`)}
                </button>
              ))}
            </div>
          </div>
          <ol className="prediction-anomalies" data-testid="anomaly-list">
            {shown.map((a) => (
              <AnomalyItem key={`${a.start}-${a.end}`} a={a} threshold={result.threshold} lng={lng} />
            ))}
          </ol>
          {sorted.length > SHOWN && (
            <button type="button" className="button" onClick={() => setShowAll(!showAll)}>
              {showAll ? t('prediction.detect.showFewer') : t('prediction.detect.showAll', { count: sorted.length })}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function AnomalyItem({ a, threshold, lng }: { a: AnomalyWire; threshold: number; lng: string }) {
  const { t } = useTranslation();
  const top = a.contributions.slice(0, TOP_SENSORS);
  const rest = a.contributions.slice(TOP_SENSORS).reduce((sum, c) => sum + c.share, 0);
  return (
    <li className="prediction-anomaly" data-testid="anomaly-item">
      <div className="prediction-anomaly__head">
        <strong>
          {formatDateTime(a.start, lng)} – {formatDateTime(a.end, lng)}
        </strong>
        <span className="muted">{t('prediction.detect.lasted', { duration: formatDuration(toMs(a.end) - toMs(a.start), lng) })}</span>
      </div>
      <p>
        {t('prediction.detect.peak', { score: formatSig(a.peak_score, lng), at: formatDateTime(a.peak_at, lng) })}
        {threshold > 0 && <span className="muted"> · {t('prediction.detect.timesThreshold', { ratio: formatSig(a.peak_score / threshold, lng, 2) })}</span>}
      </p>
      <p className="prediction-anomaly__sub">{t('prediction.detect.contributors')}</p>
      <ul className="prediction-contrib" data-testid="anomaly-contributions">
        {top.map((c) => (
          <li key={c.sensor_id} data-sensor={c.sensor_id} data-share={c.share}>
            <span className="prediction-contrib__sensor">{c.sensor_id}</span>
            <span className="prediction-contrib__bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, Math.min(1, c.share)) * 100}%` }} />
            </span>
            <span className="prediction-contrib__share">{formatPercent(c.share, lng)}</span>
          </li>
        ))}
        {rest > 0 && (
          <li className="muted">
            <span className="prediction-contrib__sensor">{t('prediction.detect.others', { count: a.contributions.length - TOP_SENSORS })}</span>
            <span className="prediction-contrib__bar" aria-hidden="true" />
            <span className="prediction-contrib__share">{formatPercent(rest, lng)}</span>
          </li>
        )}
      </ul>
    </li>
  );
}
