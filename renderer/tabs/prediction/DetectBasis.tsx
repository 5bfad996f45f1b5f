import { useTranslation } from 'react-i18next';
import type { DetectResult } from '../../stores/prediction-store';
import { formatPercent, formatSig } from '../models/model-format';

/**
 * What the alarms were decided on besides the model: the asset's alarm
 * policy (an operator who changed the threshold must see that it applied),
 * and the daily or weekly pattern the statistical stand-in took out first.
 */
export function DetectBasis({ result }: { result: DetectResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const policy = result.alarm_policy;
  const seasonal = result.seasonal_profile;
  return (
    <ul className="prediction-basis muted" data-testid="detect-basis">
      <li data-testid="detect-policy" data-revision={policy.policy_revision ?? undefined}>
        {policy.policy_id !== null
          ? t('prediction.detect.policyApplied', { revision: policy.policy_revision ?? '?', factor: formatSig(policy.threshold_factor, lng) })
          : t('prediction.detect.policyNone')}
      </li>
      {seasonal && (
        <li data-testid="detect-seasonal" data-cycle={seasonal.cycle}>
          {t(`prediction.detect.seasonal.${seasonal.cycle}`, {
            sensors: seasonal.sensors.map((s) => t('prediction.detect.seasonal.sensor', { sensor: s.sensor_id, share: formatPercent(s.explained, lng) })).join(', '),
          })}
        </li>
      )}
    </ul>
  );
}
