import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format/time';
import type { DriftResult } from '../../stores/prediction-store';
import { formatSig } from '../models/model-format';
import { ksDiffers, type PsiReading } from './drift-reading';

const PSI_MEANING = { stable: 'psiStable', moderate: 'psiModerate', significant: 'psiShifted' } as const;

/** A drift check's verdict, the numbers behind it in words, and the table of measures — all from one reading of each number. */
export function DriftView({ result: r }: { result: DriftResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const verdict = r.insufficient_data ? 'insufficient' : r.drift_detected ? 'drift' : 'stable';
  const tone = verdict === 'drift' ? 'notice--warn' : verdict === 'stable' ? 'notice--ok' : 'notice--info';
  const pBelow = r.p_value !== null && ksDiffers(r.p_value, r.p_value_threshold);
  // The station's one reading of PSI: the same words here, in the table and wherever else PSI is shown.
  const psi: PsiReading | null = r.psi_level;
  const sig = (v: number | null, digits = 3) => formatSig(v, lng, digits);

  // Built from the numbers, not the station's English notes, so it reads in the operator's language.
  let detail: string;
  if (r.insufficient_data) {
    detail = t('prediction.drift.detail.insufficient', { reference: formatNumber(r.baseline_count, lng), recent: formatNumber(r.recent_count, lng), min: formatNumber(r.min_samples, lng) });
  } else {
    const ks = t(pBelow ? 'prediction.drift.detail.ksDiffers' : 'prediction.drift.detail.ksSame', { d: sig(r.ks_statistic), p: sig(r.p_value), limit: sig(r.p_value_threshold) });
    const psiText = psi === null ? t('prediction.drift.detail.psiNone') : t(`prediction.drift.detail.psi.${psi}`, { psi: sig(r.psi), limit: sig(r.psi_threshold) });
    detail = `${ks} ${psiText}`;
  }

  return (
    <div className="prediction-result" data-testid="drift-result" data-verdict={verdict} data-recorded={r.recorded}>
      <div className={`notice ${tone}`} role="status">
        <strong className="notice__title">{t(`prediction.drift.verdict.${verdict}`, { sensor: r.sensor_id })}</strong>
        <p>{t(`prediction.drift.explain.${verdict}`, { minutes: formatNumber(r.window_minutes, lng) })}</p>
        <p className="muted" data-testid="drift-detail" data-psi={psi ?? undefined}>
          {detail}
        </p>
        {r.recorded && r.recommendation_id !== null && <p data-testid="drift-recommendation">{t('prediction.drift.recommendation', { sensor: r.sensor_id })}</p>}
      </div>
      <div className="table-wrap">
        <table className="table prediction-drift-table">
          <caption className="visually-hidden">{t('prediction.drift.caption', { sensor: r.sensor_id })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('prediction.drift.col.measure')}</th>
              <th scope="col" className="num">{t('prediction.drift.col.value')}</th>
              <th scope="col" className="num">{t('prediction.drift.col.limit')}</th>
            </tr>
          </thead>
          <tbody>
            <Row measure="ks" name={t('prediction.drift.ks')} meaning={t('prediction.drift.ksMeaning')} value={sig(r.ks_statistic)} limit="—" />
            <Row measure="p" flagged={pBelow} name={t('prediction.drift.p')} value={sig(r.p_value)}
              meaning={r.p_value === null ? null : pBelow ? t('prediction.drift.pDiffers') : t('prediction.drift.pSame')}
              limit={t('prediction.drift.below', { limit: formatSig(r.p_value_threshold, lng) })} />
            <Row measure="psi" flagged={psi === 'significant'} reading={psi} name={t('prediction.drift.psi')} value={sig(r.psi)}
              meaning={psi === null ? null : t(`prediction.drift.${PSI_MEANING[psi]}`)}
              limit={t('prediction.drift.above', { limit: formatSig(r.psi_threshold, lng) })} />
            <Row measure="counts" name={t('prediction.drift.counts')} meaning={t('prediction.drift.countsMeaning')}
              value={`${formatNumber(r.recent_count, lng)} / ${formatNumber(r.baseline_count, lng)}`}
              limit="—" />
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface RowProps {
  measure: string;
  name: string;
  meaning: string | null;
  value: string;
  limit: string;
  flagged?: boolean;
  reading?: PsiReading | null;
}

/** One measure: its value, the limit that means drift, and what the value says in words. */
function Row({ measure, name, meaning, value, limit, flagged = false, reading }: RowProps) {
  return (
    <tr data-measure={measure} data-psi={reading ?? undefined} className={flagged ? 'prediction-flag' : undefined}>
      <th scope="row">
        {name}
        {meaning && <span className="prediction-meaning">{meaning}</span>}
      </th>
      <td className="num">{value}</td>
      <td className="num">{limit}</td>
    </tr>
  );
}
