import { levelWeights } from './baseline';
import { manyWindowPass, singleWindowPass } from './dense-pass';
import { combineParts } from './score-parts';
import { centreInPlace } from './window-frames';
import type { WindowErrorModel } from './window-model';
import type { OnlineModelSpec } from './types';

// A saved autoencoder's window errors as online scoring computes them,
// from plain data only: the same code on the serving thread and in the
// online scoring worker (which has no TF.js), so both give the same bits.

/** `one` and `many` of a WindowErrorModel: centre each window, run the dense layers, combine shape and level. */
export function plainWindowErrors(spec: OnlineModelSpec): Pick<WindowErrorModel, 'one' | 'many'> {
  const w = spec.window;
  const s = spec.sensors.length;
  const pass = singleWindowPass(spec.layers, w, s);
  const passMany = manyWindowPass(spec.layers, w, s);
  const means1 = new Float32Array(s);
  const scratch = new Float64Array(s);
  return {
    one(win, out) {
      centreInPlace(win, w, s, means1, scratch);
      pass(win, out);
      combineParts(spec.parts, out, means1, s, out);
    },
    many(wins, count, out) {
      const means = new Float32Array(count * s);
      for (let k = 0; k < count; k++) centreInPlace(wins.subarray(k * w * s, (k + 1) * w * s), w, s, means.subarray(k * s, (k + 1) * s), scratch);
      passMany(wins, count, out);
      combineParts(spec.parts, out, means, s, out);
    },
  };
}

/** A WindowErrorModel for online scoring only: scoring a stored history needs TF.js (autoencoder-detector.ts). */
export function onlineWindowModel(spec: OnlineModelSpec): WindowErrorModel {
  return {
    method: 'autoencoder',
    sensors: spec.sensors,
    window: spec.window,
    norm: spec.norm,
    threshold: spec.threshold,
    hysteresis: spec.hysteresis,
    levelWeights: levelWeights(spec.parts),
    baselineRows: spec.baselineRows ?? null,
    ...plainWindowErrors(spec),
    batch: () => Promise.reject(new Error('a model rebuilt for online scoring cannot score a history')),
    dispose() {},
  };
}
