import { useTranslation } from 'react-i18next';
import type { JobWire } from '../../../contract/models';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TechnicalDetails } from '../../components/TechnicalDetails';
import { jobErrorText } from '../../format/error-text';
import { formatDateTime } from '../../format/time';
import { useModels } from '../../stores/models-store';
import { isActive, useTraining } from '../../stores/training-store';
import { formatDuration, formatSig, jobStep } from './model-format';

/** The running (or just finished) training job: a real progress bar, epoch and loss, Cancel. */
export function TrainingProgress() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const job = useTraining((s) => s.job);
  const pollError = useTraining((s) => s.pollError);
  const cancelling = useTraining((s) => s.cancelling);
  const cancelError = useTraining((s) => s.cancelError);
  const cancel = useTraining((s) => s.cancel);
  const dismiss = useTraining((s) => s.dismissJob);
  const select = useModels((s) => s.select);
  if (!job) return null;

  const active = isActive(job);
  const pct = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  const epochText = job.epoch !== null && job.epochs !== null ? t('models.job.epoch', { epoch: job.epoch, epochs: job.epochs }) : null;
  const lossText = job.loss !== null ? t('models.job.loss', { loss: formatSig(job.loss, lng) }) : null;
  // The station's own words for the step it is on (e.g. calibrating after the last epoch).
  const step = jobStep(job, lng);
  const detail = [epochText, lossText, `${pct} %`, step && t(`models.job.step.${step}`, { message: job.message })].filter(Boolean).join(' · ');
  const started = job.started_at ? Date.parse(job.started_at) : null;
  const ended = job.finished_at ? Date.parse(job.finished_at) : null;

  return (
    <div className={`models-job models-job--${job.state}`} data-testid="training-job" data-state={job.state}>
      <div className="models-job__head">
        <h3>{t('models.job.title', { name: job.model_name })}</h3>
        <span className={`models-badge models-badge--job-${job.state}`}>{t(`models.job.state.${job.state}`)}</span>
      </div>
      <div
        className="models-progress"
        role="progressbar"
        aria-label={t('models.job.progressLabel', { name: job.model_name })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={detail}
        data-testid="training-progress"
      >
        <div className="models-progress__fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="models-job__detail">
        {detail}
      </p>
      {started !== null && (
        <p className="muted">
          {t('models.job.started', { time: formatDateTime(started, lng) })}
          {ended !== null && ` · ${t('models.job.took', { duration: formatDuration(ended - started, lng) })}`}
        </p>
      )}

      {/* Only the outcome is announced: a live region updated every half second would drown a screen reader. */}
      <div aria-live="polite">
        {job.state === 'succeeded' && job.model_version !== null && (
          <div className="notice notice--ok" data-testid="training-done">
            <p>{t('models.job.succeeded', { name: job.model_name, version: job.model_version })}</p>
            <button type="button" className="button" onClick={() => void select(job.model_name).then(() => document.getElementById('models-versions-title')?.scrollIntoView({ behavior: 'smooth' }))}>
              {t('models.job.showVersion')}
            </button>
          </div>
        )}
        {(job.state === 'failed' || job.state === 'interrupted') && <JobFailure job={job} />}
        {job.state === 'cancelled' && (
          <p className="notice notice--info" data-testid="training-cancelled">
            {t('models.job.cancelled')}
          </p>
        )}
      </div>
      <ErrorNotice error={pollError} title={t('models.job.pollFailed')} />
      <ErrorNotice error={cancelError} title={t('models.job.cancelFailed')} />
      <div className="row">
        {active ? (
          <button type="button" className="button models-cancel" onClick={() => void cancel()} disabled={cancelling} data-testid="training-cancel">
            {cancelling ? t('models.job.cancelling') : t('models.job.cancel')}
          </button>
        ) : (
          <button type="button" className="button button--quiet" onClick={dismiss}>
            {t('models.job.dismiss')}
          </button>
        )}
      </div>
    </div>
  );
}

/** A failed or interrupted job: why, in the operator's words, and the station's own account folded away. */
export function JobFailure({ job, testId = 'training-failed' }: { job: JobWire; testId?: string }) {
  const { t } = useTranslation();
  const said = jobErrorText(job.error, t);
  return (
    <div className={`notice ${job.state === 'failed' ? 'notice--error' : 'notice--warn'}`} role="alert" data-testid={testId} data-code={job.error?.code}>
      <strong className="notice__title">{job.state === 'failed' ? t('models.job.failed') : t('models.job.state.interrupted')}</strong>
      <p>{said.text}</p>
      <TechnicalDetails detail={said.detail} />
    </div>
  );
}
