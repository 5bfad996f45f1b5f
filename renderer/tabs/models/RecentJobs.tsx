import { useTranslation } from 'react-i18next';
import type { JobWire } from '../../../contract/models';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { useTraining } from '../../stores/training-store';
import { formatDuration } from './model-format';
import { JobFailure } from './TrainingProgress';

/** Jobs listed; older ones are still in ml.jobs.list. */
const SHOWN = 10;

/**
 * The station's recent training jobs of every state, so a failed or
 * cancelled job is still explained after a reload. The job the form is
 * following is shown by its progress card instead.
 */
export function RecentJobs() {
  const { t } = useTranslation();
  const jobs = useTraining((s) => s.jobs);
  const error = useTraining((s) => s.jobsError);
  const followed = useTraining((s) => s.job?.id);
  const shown = jobs.filter((j) => j.id !== followed).slice(0, SHOWN);

  return (
    <section className="card" aria-labelledby="models-jobs-title" data-testid="recent-jobs">
      <h2 id="models-jobs-title">{t('models.jobs.title')}</h2>
      <ErrorNotice error={error} title={t('models.jobs.loadFailed')} />
      {shown.length === 0 ? (
        <EmptyState>{t('models.jobs.empty')}</EmptyState>
      ) : (
        <ol className="models-jobs">
          {shown.map((j) => (
            <JobItem key={j.id} job={j} />
          ))}
        </ol>
      )}
    </section>
  );
}

function JobItem({ job }: { job: JobWire }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const select = useModels((s) => s.select);
  const started = job.started_at ? Date.parse(job.started_at) : null;
  const ended = job.finished_at ? Date.parse(job.finished_at) : null;
  return (
    <li className={`models-jobitem models-jobitem--${job.state}`} data-testid="recent-job" data-job={job.id} data-state={job.state}>
      <div className="models-job__head">
        <strong>{job.model_name}</strong>
        <span className="muted">{t(`models.kind.${job.kind}`)}</span>
        <span className={`models-badge models-badge--job-${job.state}`}>{t(`models.job.state.${job.state}`)}</span>
        {!job.mine && <span className="muted" data-testid="recent-job-other">{t('models.jobs.other')}</span>}
      </div>
      <p className="muted">
        {t('models.jobs.created', { time: formatDateTime(job.created_at, lng) })}
        {started !== null && ended !== null && ` · ${t('models.job.took', { duration: formatDuration(ended - started, lng) })}`}
      </p>
      {(job.state === 'failed' || job.state === 'interrupted') && <JobFailure job={job} testId="recent-job-error" />}
      {job.state === 'cancelled' && <p>{t('models.job.cancelled')}</p>}
      {job.state === 'succeeded' && job.model_version !== null && (
        <button type="button" className="link-button" onClick={() => void select(job.model_name)}>
          {t('models.jobs.version', { name: job.model_name, version: job.model_version })}
        </button>
      )}
    </li>
  );
}
