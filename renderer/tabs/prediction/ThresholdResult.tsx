import { useTranslation } from 'react-i18next';
import { formatDateTime, toMs } from '../../format/time';
import type { ForecastResult } from '../../stores/prediction-store';
import { formatDuration, formatSig } from '../models/model-format';

/** Time to threshold in words: when, how sure, or that it will not (or already did) happen. */
export function ThresholdResult({ result, unit }: { result: ForecastResult; unit: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const c = result.threshold_crossing;
  if (!c) return <p className="muted">{t('prediction.threshold.noneAsked')}</p>;

  const threshold = `${formatSig(c.threshold, lng)}${unit ? ` ${unit}` : ''}`;
  const last = result.history[result.history.length - 1]?.value;
  const end = result.points[result.points.length - 1]?.t ?? result.last_timestamp;
  const verb = t(`prediction.threshold.${c.direction}`);
  const when = (iso: string) => formatDateTime(iso, lng);
  const after = (iso: string) => formatDuration(toMs(iso) - toMs(result.last_timestamp), lng);

  if (c.already_crossed) {
    return (
      <div className="notice notice--error prediction-threshold" role="status" data-testid="threshold-result" data-state="already">
        <strong className="notice__title">{t('prediction.threshold.alreadyTitle')}</strong>
        <p>{t(`prediction.threshold.already.${c.direction}`, { value: last !== undefined ? `${formatSig(last, lng)}${unit ? ` ${unit}` : ''}` : '—', threshold })}</p>
      </div>
    );
  }
  if (c.eta === null) {
    return (
      <div className="notice notice--ok prediction-threshold" role="status" data-testid="threshold-result" data-state="not-within">
        <strong className="notice__title">{t('prediction.threshold.notWithinTitle')}</strong>
        <p>{t('prediction.threshold.notWithin', { verb, threshold, end: when(end) })}</p>
        {c.earliest !== null && <p>{t('prediction.threshold.butPossible', { earliest: when(c.earliest), after: after(c.earliest) })}</p>}
      </div>
    );
  }
  return (
    <div className="notice notice--warn prediction-threshold" role="status" data-testid="threshold-result" data-state="eta">
      <strong className="notice__title">{t('prediction.threshold.etaTitle', { after: after(c.eta) })}</strong>
      <p>{t('prediction.threshold.eta', { verb, threshold, eta: when(c.eta), after: after(c.eta) })}</p>
      <p>
        {c.latest !== null
          ? t('prediction.threshold.range', { earliest: when(c.earliest ?? c.eta), latest: when(c.latest) })
          : t('prediction.threshold.rangeOpen', { earliest: when(c.earliest ?? c.eta), end: when(end) })}
      </p>
    </div>
  );
}
