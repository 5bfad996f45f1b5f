import { tf, ensureBackend } from '../runtime/backend';
import { restoreModel, type ModelArtifact } from '../runtime/artifact';
import { MlInputError } from '../ml-errors';
import { denseLayers, reconstructionErrors } from './autoencoder-net';
import { levelWeights } from './baseline';
import { plainWindowErrors } from './online-model';
import { combineParts } from './score-parts';
import { centredFrames, consecutive } from './window-frames';
import { windowedDetector } from './windowed-detector';
import type { AnomalyDetector, AnomalyModelMeta, OnlineModelSpec } from './types';

// A saved autoencoder, ready to score: TF.js over big batches for a history,
// and the plain-JS pass of the same weights for one reading at a time.

function checkMeta(meta: AnomalyModelMeta): void {
  const s = Array.isArray(meta?.sensors) ? meta.sensors.length : 0;
  const ok =
    meta?.format === 'smc-anomaly-ae/1' &&
    s > 0 &&
    Number.isInteger(meta.window) && meta.window >= 2 &&
    meta.normalisation?.mean?.length === s &&
    meta.normalisation?.std?.length === s &&
    meta.parts?.shapeScale?.length === s &&
    meta.parts?.levelScale?.length === s &&
    Number.isFinite(meta.threshold) && meta.threshold > 0 &&
    (meta.baseline === undefined || (Number.isInteger(meta.baseline?.rows) && meta.baseline.rows >= 1));
  if (!ok) throw new MlInputError('the model metadata is not that of an anomaly autoencoder (format smc-anomaly-ae/1)', { path: 'meta' });
}

export async function loadAnomalyDetector(artifact: ModelArtifact, meta: AnomalyModelMeta): Promise<AnomalyDetector> {
  checkMeta(meta);
  await ensureBackend();
  const model = await restoreModel(artifact);
  const w = meta.window;
  const s = meta.sensors.length;
  const inputs = (model.inputs[0]?.shape ?? [])[1];
  if (inputs !== w * s) {
    model.dispose();
    throw new MlInputError(`the model reads ${inputs} values per window, its metadata says ${w} x ${s}`, { path: 'meta' });
  }
  const online: OnlineModelSpec = {
    sensors: [...meta.sensors],
    window: w,
    norm: meta.normalisation,
    threshold: meta.threshold,
    hysteresis: meta.hysteresis,
    parts: meta.parts,
    layers: denseLayers(model),
    baselineRows: meta.baseline?.rows ?? null,
  };
  const { one, many } = plainWindowErrors(online);
  let disposed = false;
  const detector = windowedDetector({
    method: 'autoencoder',
    sensors: online.sensors,
    window: w,
    norm: meta.normalisation,
    threshold: meta.threshold,
    hysteresis: meta.hysteresis,
    levelWeights: levelWeights(meta.parts),
    baselineRows: online.baselineRows ?? null,
    async batch(rows, count) {
      const means = new Float32Array(count * s);
      const x = tf.tensor2d(centredFrames(rows, consecutive(0, count), w, s, means), [count, w * s]);
      const e = reconstructionErrors(model, x, w, s);
      x.dispose();
      try {
        const shape = (await e.data()) as Float32Array;
        return combineParts(meta.parts, shape, means, s, new Float32Array(shape.length));
      } finally {
        e.dispose();
      }
    },
    one,
    many,
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  });
  return { ...detector, online };
}
