import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../format/time';
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

  const retrain = (modelName: string | null, sensorId: string) => {
    const m = modelName ? models.find((x) => x.name === modelName) : undefined;
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
                      {b.model_name} {t('models.versionLabel', { version: b.version })}
                    </button>
                    <StageBadge stage={b.stage} />
                    <span className="muted">
                      {b.metric} = {formatSig(b.value, lng)}
                    </span>
                  </div>
                  <p className="muted">{b.reason}</p>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('models.rec.retraining')}</h3>
          {rec.retraining.length === 0 ? (
            <EmptyState>{t('models.rec.retrainingEmpty')}</EmptyState>
          ) : (
            <ul className="models-rec-list" data-testid="rec-retraining">
              {rec.retraining.map((r) => (
                <li key={r.event_id} className="models-rec models-rec--drift">
                  <div className="models-rec__head">
                    <strong>{r.sensor_id}</strong>
                    <span className="muted">{formatDateTime(r.at, lng)}</span>
                  </div>
                  <p>{r.reason}</p>
                  {canOperate && (
                    <button type="button" className="button" disabled={training} onClick={() => retrain(r.model_name, r.sensor_id)}>
                      {r.model_name ? t('models.rec.prepare', { name: r.model_name }) : t('models.rec.prepareNew', { sensor: r.sensor_id })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
