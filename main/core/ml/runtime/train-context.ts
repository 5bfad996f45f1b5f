// What a training function gets from whoever runs it (a worker thread, the
// CLI, a test): the seed, a progress sink and a cancellation check.

/** The step a training is on (the contract's JOB_STEPS). */
export type TrainStep = 'preparing' | 'training' | 'calibrating' | 'done' | 'cancelling';

export interface TrainProgress {
  /** 0..1 of the whole job. */
  fraction: number;
  epoch?: number;
  epochs?: number;
  loss?: number;
  valLoss?: number;
  step?: TrainStep;
  /** The step in the station's words, for logs and integrators. */
  message?: string;
}

export interface TrainContext {
  seed: number;
  progress(p: TrainProgress): void;
  /** True once the job was asked to stop; training checks it after every batch. */
  isCancelled(): boolean;
}

export class TrainingCancelled extends Error {
  constructor() {
    super('training was cancelled');
    this.name = 'TrainingCancelled';
  }
}

/** A context for callers that neither watch progress nor cancel. */
export function quietContext(seed = 42): TrainContext {
  return { seed, progress: () => undefined, isCancelled: () => false };
}

/**
 * TF.js `fit` callbacks that report epoch progress within [from, to] of the
 * job and stop training when the job is cancelled.
 */
export function fitCallbacks(
  ctx: TrainContext,
  model: { stopTraining: boolean },
  epochs: number,
  range: [number, number] = [0, 1],
): { onBatchEnd: () => Promise<void>; onEpochEnd: (epoch: number, logs?: Record<string, number>) => Promise<void> } {
  const [from, to] = range;
  return {
    onBatchEnd: async () => {
      if (ctx.isCancelled()) model.stopTraining = true;
    },
    onEpochEnd: async (epoch, logs) => {
      ctx.progress({
        fraction: from + ((to - from) * (epoch + 1)) / epochs,
        epoch: epoch + 1,
        epochs,
        step: 'training',
        ...(logs?.loss !== undefined ? { loss: logs.loss } : {}),
        ...(logs?.val_loss !== undefined ? { valLoss: logs.val_loss } : {}),
      });
      if (ctx.isCancelled()) model.stopTraining = true;
    },
  };
}

/** Throws when the job was cancelled; call after `fit` returns. */
export function throwIfCancelled(ctx: TrainContext): void {
  if (ctx.isCancelled()) throw new TrainingCancelled();
}
