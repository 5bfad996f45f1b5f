import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MODEL_KINDS, type ModelKind } from '../../../contract/models';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatClock, formatDate } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { useSession } from '../../stores/session-store';
import { formatSig, keyMetric } from './model-format';

type KindFilter = ModelKind | 'all';

export function RegistryTable() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const models = useModels((s) => s.models);
  const load = useModels((s) => s.modelsLoad);
  const error = useModels((s) => s.modelsError);
  const selected = useModels((s) => s.selected);
  const highlight = useModels((s) => s.highlight);
  const select = useModels((s) => s.select);
  const loadAll = useModels((s) => s.loadAll);
  const canOperate = useSession((s) => s.can('operate'));
  const [kind, setKind] = useState<KindFilter>('all');
  const shown = useMemo(() => (kind === 'all' ? models : models.filter((m) => m.kind === kind)), [models, kind]);

  return (
    <section className="card" aria-labelledby="models-registry-title">
      <div className="card__head">
        <h2 id="models-registry-title">{t('models.registry.title')}</h2>
        <span className="muted" role="status">
          {load === 'loading' ? t('common.loading') : t('models.registry.count', { count: models.length })}
        </span>
        <button type="button" className="button" onClick={() => void loadAll()} disabled={load === 'loading'}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="segmented models-filter" role="group" aria-label={t('models.registry.filter')}>
        {(['all', ...MODEL_KINDS] as const).map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(k)} data-kind={k}>
            {k === 'all' ? t('models.registry.all') : t(`models.kind.${k}`)}
          </button>
        ))}
      </div>
      <ErrorNotice error={error} title={t('models.registry.loadFailed')} />
      {load === 'ready' && shown.length === 0 ? (
        <EmptyState testId="models-empty">{models.length > 0 ? t('models.registry.noneOfKind') : canOperate ? t('models.registry.emptyOperate') : t('models.registry.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="models-table">
            <caption className="visually-hidden">{t('models.registry.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('models.registry.col.name')}</th>
                <th scope="col">{t('models.registry.col.kind')}</th>
                <th scope="col">{t('models.registry.col.target')}</th>
                <th scope="col" className="num">{t('models.registry.col.versions')}</th>
                <th scope="col" className="num">{t('models.registry.col.production')}</th>
                <th scope="col" className="num">{t('models.registry.col.staging')}</th>
                <th scope="col">{t('models.registry.col.metric')}</th>
                <th scope="col">{t('models.registry.col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => {
                const metric = keyMetric(m.metrics);
                const isNew = highlight?.name === m.model_name;
                const cls = [m.model_name === selected ? 'is-focused' : '', isNew ? 'models-row--new' : ''].filter(Boolean).join(' ');
                return (
                  <tr
                    key={m.model_name}
                    data-model={m.model_name}
                    className={cls || undefined}
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('button')) return;
                      void select(m.model_name);
                    }}
                  >
                    <td>
                      <button type="button" className="link-button" aria-pressed={m.model_name === selected} onClick={() => void select(m.model_name)}>
                        {m.model_name}
                      </button>
                      {isNew && <span className="models-badge models-badge--new">{t('models.versions.new')}</span>}
                    </td>
                    <td>{t(`models.kind.${m.kind}`)}</td>
                    <td>
                      {m.target}
                      {m.sensor_type && <span className="models-sub">{m.sensor_type}</span>}
                    </td>
                    <td className="num">{m.versions}</td>
                    <td className="num" data-col="production">{m.production_version !== null ? t('models.versionLabel', { version: m.production_version }) : '—'}</td>
                    <td className="num" data-col="staging">{m.staging_version !== null ? t('models.versionLabel', { version: m.staging_version }) : '—'}</td>
                    {/* Value over name, and date over time: the table fits a 1366-pixel screen without scrolling sideways. */}
                    <td data-col="metric">
                      {metric ? (
                        <>
                          {formatSig(metric[1], lng)}
                          <span className="models-sub">{metric[0]}</span>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-col="updated">
                      <time dateTime={m.updated_at}>{formatDate(m.updated_at, lng)}</time>
                      <span className="models-sub">{formatClock(m.updated_at, lng)}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
