import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime, formatNumber } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { useSession } from '../../stores/session-store';
import { isActive, useTraining } from '../../stores/training-store';
import { formatSig } from './model-format';
import { StageBadge } from './StageBadge';
import { TRAIN_FORM_ID } from './TrainForm';

/** The registry's best model per sensor type and kind, and what drift says should be retrained. */
export function RecommendationsPanel() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const rec = useModels((s) => s.recommendations);
  const load = useModels((s) => s.recommendationsLoad);
  const error = useModels((s) => s.recommendationsError);
  const models = useModels((s) => s.models);
  const select = useModels((s) => s.select);
  const canOperate = useSession((s) => s.can('operate'));
  const prepare = useTraining((s) => s.prepare);
  const training = useTraining((s) => isActive(s.job));
  const dismiss = useModels((s) => s.dismiss);
  const dismissing = useModels((s) => s.dismissing);
  const dismissError = useModels((s) => s.dismissError);

  const retrain = (modelName: string | undefined, sensorId: string) => {
    const m = modelName ? models.find((x) => x.model_name === modelName) : undefined;
    if (m) prepare(m.kind, m.target);
    else prepare('forecast', sensorId);
    const form = document.getElementById(TRAIN_FORM_ID);
    form?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    form?.querySelector<HTMLButtonElement>('button[type=submit]')?.focus({ preventScroll: true });
  };

  return (
    <section className="card" aria-labelledby="models-rec-title" data-testid="recommendations">
      <h2 id="models-rec-title">{t('models.rec.title')}</h2>
      <ErrorNotice error={error} title={t('models.rec.loadFailed')} />
      {load === 'loading' && !rec && <p className="muted" role="status">{t('common.loading')}</p>}
      {rec && (
        <>
          <h3>{t('models.rec.best')}</h3>
          {rec.best.length === 0 ? (
            <EmptyState>{t('models.rec.bestEmpty')}</EmptyState>
          ) : (
            <ul className="models-rec-list" data-testid="rec-best">
              {rec.best.map((b) => (
                <li key={`${b.sensor_type ?? ''}|${b.kind}`} className="models-rec">
                  <div className="models-rec__head">
                    <strong>{b.sensor_type ?? t('models.rec.anyType')}</strong>
                    <span>· {t(`models.kind.${b.kind}`)}</span>
                  </div>
                  <div className="models-rec__body">
                    <button type="button" className="link-button" onClick={() => void select(b.model_name)}>
                      {b.model_name} {t('models.versionLabel', { version: b.model_version })}
                    </button>
                    <StageBadge stage={b.stage} />
                    <span className="muted">
                      {b.metric} = {formatSig(b.value, lng)}
                    </span>
                  </div>
                  <p className="muted">{t('models.rec.bestReason', { metric: b.metric, count: b.candidates })}</p>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('models.rec.retraining')}</h3>
          <ErrorNotice error={dismissError} title={t('models.rec.dismissFailed')} />
          {rec.retraining.length === 0 ? (
            <EmptyState testId="rec-retraining-empty">{t('models.rec.retrainingEmpty')}</EmptyState>
          ) : (
            <ul className="models-rec-list" data-testid="rec-retraining">
              {rec.retraining.map((r) => (
                <RetrainingCard key={r.id} r={r} canOperate={canOperate} training={training} dismissing={dismissing} onDismiss={dismiss} onRetrain={retrain} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

type Recommendation = NonNullable<ReturnType<typeof useModels.getState>['recommendations']>['retraining'][number];

interface CardProps {
  r: Recommendation;
  canOperate: boolean;
  training: boolean;
  dismissing: string | null;
  onDismiss(id: string): Promise<void>;
  onRetrain(modelName: string | undefined, sensorId: string): void;
}

/** One sensor's open recommendation: how often and when drift was seen, on which figures, and what to retrain. */
function RetrainingCard({ r, canOperate, training, dismissing, onDismiss, onRetrain }: CardProps) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const seen =
    r.detections === 1 || r.first_detected_at === r.last_detected_at
      ? t('models.rec.seenOnce', { time: formatDateTime(r.last_detected_at, lng) })
      : t('models.rec.seen', { first: formatDateTime(r.first_detected_at, lng), last: formatDateTime(r.last_detected_at, lng) });
  return (
    <li className="models-rec models-rec--drift" data-testid="rec-card" data-sensor={r.sensor_id} data-detections={r.detections}>
      <div className="models-rec__head">
        <strong>{r.sensor_id}</strong>
        <span className="models-badge">{t('models.rec.detections', { count: r.detections })}</span>
      </div>
      <p data-testid="rec-seen">{seen}</p>
      <p className="muted">
        {t('models.rec.measures', { psi: formatSig(r.psi, lng, 3), ks: formatSig(r.ks_statistic, lng, 3), p: formatSig(r.p_value, lng, 3), minutes: formatNumber(r.window_minutes, lng) })}
      </p>
      <p>{r.models.length > 0 ? t('models.rec.models', { models: r.models.join(', ') }) : t('models.rec.noModels')}</p>
      {canOperate && (
        <div className="row">
          {(r.models.length > 0 ? r.models : [undefined]).map((m) => (
            <button key={m ?? '-'} type="button" className="button" disabled={training} onClick={() => onRetrain(m, r.sensor_id)}>
              {m ? t('models.rec.prepare', { name: m }) : t('models.rec.prepareNew', { sensor: r.sensor_id })}
            </button>
          ))}
          <button type="button" className="button button--quiet" disabled={dismissing !== null} onClick={() => void onDismiss(r.id)}
            aria-label={t('models.rec.dismissLabel', { sensor: r.sensor_id })} data-testid="rec-dismiss">
            {dismissing === r.id ? t('models.rec.dismissing') : t('models.rec.dismiss')}
          </button>
        </div>
      )}
    </li>
  );
}
