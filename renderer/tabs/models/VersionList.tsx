import { Fragment, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MODEL_STAGES, type ModelStage, type ModelVersionWire } from '../../../contract/models';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../format/time';
import { useModels, type StageAction } from '../../stores/models-store';
import { useSession } from '../../stores/session-store';
import { ConfirmStrip } from './ConfirmStrip';
import { formatBytes } from '../../format/bytes';
import { formatDuration, formatSig } from './model-format';
import { StageBadge } from './StageBadge';

const COLUMNS = 6;

/** The versions of the selected model, with their stages and the buttons that move them. */
export function VersionList() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const s = useModels();
  const canOperate = useSession((st) => st.can('operate'));
  const summary = s.models.find((m) => m.model_name === s.selected);
  const newRow = useRef<HTMLTableRowElement>(null);
  const highlighted = s.highlight && s.highlight.name === s.selected ? s.highlight.version : null;

  // A version a training job just registered is brought into view once.
  useEffect(() => {
    if (highlighted !== null) newRow.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [highlighted, s.versions]);

  if (!s.selected || !summary) return null;
  const production = s.versions.find((v) => v.stage === 'production');
  const canRollback = production !== undefined && s.versions.some((v) => v.stage === 'archived');
  const confirming = s.confirming;

  const confirmText = (a: StageAction): string => {
    if (a.kind === 'rollback') return t('models.confirm.rollback', { name: a.name, version: production?.model_version ?? '' });
    if (a.stage === 'production') {
      return production && production.model_version !== a.version
        ? t('models.confirm.productionReplaces', { name: a.name, version: a.version, current: production.model_version })
        : t('models.confirm.production', { name: a.name, version: a.version });
    }
    if (a.stage === 'staging') return t('models.confirm.staging', { name: a.name, version: a.version });
    return production?.model_version === a.version ? t('models.confirm.archiveProduction', { name: a.name, version: a.version }) : t('models.confirm.archive', { name: a.name, version: a.version });
  };

  const confirmLabel = (a: StageAction) => (a.kind === 'rollback' ? t('models.actions.rollback') : t(`models.actions.confirm.${a.stage}`));
  const strip = (a: StageAction) => (
    <ConfirmStrip confirmLabel={confirmLabel(a)} busy={s.acting} onConfirm={() => void s.confirm()} onCancel={s.cancelAsk} testId="stage-confirm">
      {confirmText(a)}
    </ConfirmStrip>
  );

  const done = s.actionDone;
  return (
    <section className="card" aria-labelledby="models-versions-title" data-testid="model-versions" data-model={s.selected}>
      <div className="card__head">
        <h2 id="models-versions-title">{t('models.versions.title', { name: s.selected })}</h2>
        <span className="muted">
          {t(`models.kind.${summary.kind}`)} · {summary.target}
        </span>
        {canOperate && (
          <button
            type="button"
            className="button"
            disabled={!canRollback || s.acting}
            title={canRollback ? undefined : t('models.actions.rollbackUnavailable')}
            onClick={() => s.ask({ kind: 'rollback', name: s.selected! })}
            data-testid="rollback"
          >
            {t('models.actions.rollback')}
          </button>
        )}
      </div>
      {confirming?.kind === 'rollback' && strip(confirming)}
      {done && (
        <p className="notice notice--ok" role="status" data-testid="stage-done">
          {t('models.actions.done', { name: done.result.model_name, version: done.result.model_version, stage: t(`models.stage.${done.result.stage}`) })}
        </p>
      )}
      <ErrorNotice error={s.actionError} title={t('models.actions.failed')} />
      <ErrorNotice error={s.versionsError} title={t('models.versions.loadFailed')} />
      {s.versionsLoad === 'ready' && s.versions.length === 0 ? (
        <EmptyState>{t('models.versions.empty')}</EmptyState>
      ) : (
        <div className="table-wrap" aria-busy={s.versionsLoad === 'loading'}>
          <table className="table models-versions" data-testid="versions-table">
            <caption className="visually-hidden">{t('models.versions.caption', { name: s.selected })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('models.versions.col.version')}</th>
                <th scope="col">{t('models.versions.col.stage')}</th>
                <th scope="col">{t('models.versions.col.metrics')}</th>
                <th scope="col">{t('models.versions.col.training')}</th>
                <th scope="col">{t('models.versions.col.runtime')}</th>
                <th scope="col">{canOperate ? t('models.versions.col.actions') : ''}</th>
              </tr>
            </thead>
            <tbody>
              {s.versions.map((v) => (
                <Fragment key={v.model_version}>
                  <tr data-version={v.model_version} data-stage={v.stage} className={v.model_version === highlighted ? 'models-row--new' : undefined} ref={v.model_version === highlighted ? newRow : undefined}>
                    <th scope="row">
                      {t('models.versionLabel', { version: v.model_version })}
                      {v.model_version === highlighted && <span className="models-badge models-badge--new">{t('models.versions.new')}</span>}
                      <span className="models-created">{t('models.versions.created', { time: formatDateTime(v.created_at, lng) })}</span>
                    </th>
                    <td>
                      <StageBadge stage={v.stage} />
                    </td>
                    <td>
                      <Metrics metrics={v.metrics} lng={lng} />
                    </td>
                    <td className="models-wrap">
                      <TrainingWindow v={v} lng={lng} />
                    </td>
                    <td className="models-wrap">
                      {t('models.versions.runtime', { backend: v.backend, seed: v.seed, time: formatDuration(v.training_ms, lng), size: formatBytes(v.size_bytes, lng, t) })}
                    </td>
                    <td>
                      {canOperate && (
                        <div className="models-actions">
                          {MODEL_STAGES.filter((stage) => stage !== v.stage).map((stage) => (
                            <StageButton key={stage} stage={stage} v={v} disabled={s.acting} onAsk={s.ask} />
                          ))}
                        </div>
                      )}
                    </td>
                  </tr>
                  {confirming?.kind === 'promote' && confirming.version === v.model_version && confirming.name === v.model_name && (
                    <tr className="models-confirm-row">
                      <td colSpan={COLUMNS}>{strip(confirming)}</td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StageButton({ stage, v, disabled, onAsk }: { stage: ModelStage; v: ModelVersionWire; disabled: boolean; onAsk(a: StageAction): void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className={`button models-stage-button models-stage-button--${stage}`}
      disabled={disabled}
      aria-label={t(`models.actions.aria.${stage}`, { version: v.model_version })}
      onClick={() => onAsk({ kind: 'promote', name: v.model_name, version: v.model_version, stage })}
      data-action={stage}
    >
      {t(`models.actions.to.${stage}`)}
    </button>
  );
}

function Metrics({ metrics, lng }: { metrics: Record<string, number>; lng: string }) {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <>—</>;
  return (
    <dl className="models-metrics">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{formatSig(v, lng)}</dd>
        </div>
      ))}
    </dl>
  );
}

function TrainingWindow({ v, lng }: { v: ModelVersionWire; lng: string }) {
  const { t } = useTranslation();
  const rows = t('models.versions.rows', { count: v.train_rows });
  if (v.trained_from === null || v.trained_to === null) return <>{`${t('models.versions.fromFile')} · ${rows}`}</>;
  return (
    <>
      {formatDateTime(v.trained_from, lng)} – {formatDateTime(v.trained_to, lng)}
      <br />
      <span className="muted">{rows}</span>
    </>
  );
}
