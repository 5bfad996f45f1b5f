import { useId, useMemo, type FormEvent } from 'react';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatDateTime, localTimeZone } from '../../format/time';
import { usePrediction, type Direction, type ForecastResult } from '../../stores/prediction-store';
import { formatDuration, formatSig } from '../models/model-format';
import { useFieldMessages } from '../../components/use-issue-text';
import { SelectField, SensorOptions } from '../models/SelectField';
import { ChartLegend, type LegendItem } from './ChartLegend';
import { COLORS, forecastData, forecastOptions, type ForecastLabels } from './chart-setup';
import { ModelInfo } from './ModelInfo';
import { ThresholdResult } from './ThresholdResult';

const DIRECTIONS: Direction[] = ['above', 'below'];

export function ForecastPanel() {
  const { t } = useTranslation();
  const id = useId();
  const p = usePrediction((s) => s.forecast);
  const sensors = usePrediction((s) => s.sensors);
  const setForm = usePrediction((s) => s.setForm);
  const runForecast = usePrediction((s) => s.runForecast);
  const f = p.form;
  const unit = sensors.find((s) => s.id === (p.result?.sensor_id ?? f.sensor))?.unit ?? '';
  const fieldMessages = useFieldMessages();
  const errors = (field: keyof typeof f, wire: string = field) => {
    const problem = p.problems[field];
    return fieldMessages(problem ? t(`prediction.invalid.${problem}`) : undefined, p.fieldErrors[wire]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runForecast();
  };

  return (
    <section className="card" aria-labelledby="prediction-forecast-title" data-testid="forecast-panel">
      <h2 id="prediction-forecast-title">{t('prediction.forecast.title')}</h2>
      <p className="muted">{t('prediction.forecast.intro')}</p>
      <form className="form-grid" onSubmit={submit} noValidate data-testid="forecast-form">
        <SelectField id={`${id}-sensor`} label={t('prediction.sensor')} value={f.sensor} onChange={(e) => setForm('forecast', { sensor: e.target.value })} errors={errors('sensor', 'sensor_id')}>
          {sensors.length === 0 && <option value="">{t('prediction.noSensors')}</option>}
          <SensorOptions sensors={sensors} noAsset={t('models.noAsset')} />
        </SelectField>
        <Field id={`${id}-threshold`} label={t('prediction.forecast.threshold')} hint={unit ? t('prediction.forecast.thresholdHint', { unit }) : t('prediction.forecast.thresholdHintNoUnit')} inputMode="decimal" autoComplete="off"
          value={f.threshold} onChange={(e) => setForm('forecast', { threshold: e.target.value })} errors={errors('threshold')} />
        <fieldset className="field prediction-direction">
          <legend className="field__label">{t('prediction.forecast.direction')}</legend>
          <div className="segmented">
            {DIRECTIONS.map((d) => (
              <button key={d} type="button" aria-pressed={f.direction === d} onClick={() => setForm('forecast', { direction: d })} data-direction={d}>
                {t(`prediction.forecast.dir.${d}`)}
              </button>
            ))}
          </div>
        </fieldset>
        <Field id={`${id}-horizon`} label={t('prediction.forecast.horizon')} hint={t('prediction.forecast.horizonHint')} inputMode="numeric" autoComplete="off"
          value={f.horizon} onChange={(e) => setForm('forecast', { horizon: e.target.value })} errors={errors('horizon')} />
        <div className="form-grid__actions">
          <button type="submit" className="button button--primary" disabled={p.running || !f.sensor}>
            {p.running ? t('prediction.forecast.running') : t('prediction.forecast.run')}
          </button>
        </div>
      </form>
      <ErrorNotice error={p.error} title={t('prediction.forecast.failed')} />
      {p.result && <ForecastView result={p.result} unit={unit} />}
    </section>
  );
}

function ForecastView({ result, unit }: { result: ForecastResult; unit: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const level = Math.round(result.interval_level * 100);
  const labels: ForecastLabels = useMemo(
    () => ({
      history: t('prediction.forecast.history'),
      forecast: t('prediction.forecast.forecast'),
      lower: t('prediction.forecast.lower'),
      upper: t('prediction.forecast.upper'),
      threshold: t('prediction.forecast.thresholdLine'),
      crossing: t('prediction.forecast.crossing'),
      axis: t('prediction.axis', { zone: localTimeZone() }),
      unit,
    }),
    [t, unit],
  );
  const data = useMemo(() => forecastData(result, labels), [result, labels]);
  const options = useMemo(() => forecastOptions(result, labels, lng), [result, labels, lng]);
  const end = result.points[result.points.length - 1];
  const crossing = result.threshold_crossing;
  const legend: LegendItem[] = [
    { key: 'history', label: labels.history, look: 'line', color: COLORS.history },
    { key: 'forecast', label: labels.forecast, look: 'dashed', color: COLORS.forecast },
    { key: 'interval', label: t('prediction.forecast.interval', { level }), look: 'band', color: COLORS.band },
    ...(crossing ? [{ key: 'threshold', label: `${labels.threshold} (${formatSig(crossing.threshold, lng)}${unit ? ` ${unit}` : ''})`, look: 'dotted' as const, color: COLORS.threshold }] : []),
    ...(crossing && crossing.eta !== null && !crossing.already_crossed ? [{ key: 'crossing', label: labels.crossing, look: 'point' as const, color: COLORS.threshold }] : []),
  ];
  const withUnit = (v: number) => `${formatSig(v, lng)}${unit ? ` ${unit}` : ''}`;

  return (
    <div className="prediction-result" data-testid="forecast-result" data-sensor={result.sensor_id}>
      <div className="prediction-result__head">
        <h3>{t('prediction.forecast.resultTitle', { sensor: result.sensor_id })}</h3>
        <span className="muted">
          {t('prediction.forecast.steps', { count: result.points.length, step: formatDuration(result.step_ms, lng), end: end ? formatDateTime(end.t, lng) : '—' })}
        </span>
      </div>
      <ModelInfo info={result.model_info} testId="forecast-model" />
      <ThresholdResult result={result} unit={unit} />
      <div className="chart prediction-chart" data-testid="forecast-chart" data-points={result.points.length}>
        <Line data={data} options={options} role="img" aria-label={t('prediction.forecast.aria', { sensor: result.sensor_id, count: result.points.length, level })} />
      </div>
      <ChartLegend items={legend} label={t('prediction.legend')} testId="forecast-legend" />
      {end && (
        <dl className="prediction-facts">
          <div>
            <dt>{t('prediction.forecast.lastReading')}</dt>
            <dd>{result.history.length > 0 ? withUnit(result.history[result.history.length - 1]!.value) : '—'}</dd>
            <dd className="muted">{formatDateTime(result.last_timestamp, lng)}</dd>
          </div>
          <div>
            <dt>{t('prediction.forecast.atEnd')}</dt>
            <dd>{withUnit(end.value)}</dd>
            <dd className="muted">{t('prediction.forecast.between', { level, lower: withUnit(end.lower), upper: withUnit(end.upper) })}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}
