import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';
import type { ModelKind } from '../../../../contract/models';
import type { JobWire } from '../../../../contract/models';
import type { TrainProgress } from '../../ml/runtime/train-context';

export type JobState = JobWire['state'];

export interface Job {
  id: string;
  kind: ModelKind;
  modelName: string;
  state: JobState;
  progress: TrainProgress;
  error: { code: string; message: string } | null;
  requestedBy: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  modelVersion: number | null;
}

interface JobRow {
  id: string;
  kind: ModelKind;
  model_name: string;
  state: JobState;
  progress: string;
  error: string | null;
  requested_by: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  model_version: number | null;
}

/** Training jobs as they are kept across restarts. */
export class JobsRepo {
  private readonly saveStmt;

  constructor(private readonly db: Db) {
    this.saveStmt = db.prepare(`
      INSERT INTO training_jobs (id, kind, model_name, state, progress, error, requested_by, created_at, started_at, finished_at, model_version)
      VALUES (@id, @kind, @model_name, @state, @progress, @error, @requested_by, @created_at, @started_at, @finished_at, @model_version)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, progress = excluded.progress, error = excluded.error,
        started_at = excluded.started_at, finished_at = excluded.finished_at, model_version = excluded.model_version`);
  }

  save(tx: Tx, j: Job): void {
    void tx;
    this.saveStmt.run({
      id: j.id, kind: j.kind, model_name: j.modelName, state: j.state, progress: JSON.stringify(finite(j.progress)),
      error: j.error === null ? null : JSON.stringify(j.error), requested_by: j.requestedBy, created_at: j.createdAt,
      started_at: j.startedAt, finished_at: j.finishedAt, model_version: j.modelVersion,
    });
  }

  get(id: string): Job | undefined {
    const row = this.db.prepare<[string], JobRow>('SELECT * FROM training_jobs WHERE id = ?').get(id);
    return row ? toJob(row) : undefined;
  }

  recent(limit: number): Job[] {
    return this.db.prepare<[number], JobRow>('SELECT * FROM training_jobs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit).map(toJob);
  }

  /** Jobs a previous process left queued or running: they will not finish. */
  markInterrupted(tx: Tx): number {
    return this.db
      .prepare("UPDATE training_jobs SET state = 'interrupted', finished_at = ?, error = json_object('code', 'interrupted', 'message', 'the station stopped before this job finished; start it again') WHERE state IN ('queued', 'running')")
      .run(tx.now).changes;
  }

  /** Keeps the newest `keep` finished jobs. */
  prune(tx: Tx, keep: number): void {
    void tx;
    this.db.prepare("DELETE FROM training_jobs WHERE state NOT IN ('queued', 'running') AND id NOT IN (SELECT id FROM training_jobs ORDER BY created_at DESC LIMIT ?)").run(keep);
  }
}

/** A loss of NaN would not survive JSON; progress keeps only finite numbers. */
function finite(p: TrainProgress): TrainProgress {
  const out: TrainProgress = { ...p };
  if (out.loss !== undefined && !Number.isFinite(out.loss)) delete out.loss;
  return out;
}

function toJob(r: JobRow): Job {
  return {
    id: r.id, kind: r.kind, modelName: r.model_name, state: r.state, progress: JSON.parse(r.progress) as TrainProgress,
    error: r.error === null ? null : (JSON.parse(r.error) as Job['error']), requestedBy: r.requested_by,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, modelVersion: r.model_version,
  };
}
