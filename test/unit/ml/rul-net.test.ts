import { describe, expect, it } from 'vitest';
import { buildRulNet, ensembleNet, NET_SHAPE, type NetShape } from '../../../main/core/ml/rul/rul-net';
import { captureModel, restoreModel } from '../../../main/core/ml/runtime/artifact';
import { ensureBackend, tf } from '../../../main/core/ml/runtime/backend';

// The network's temporal convolutions (patches of rows and a Dense layer, which
// the WebAssembly backend can train) and the ensemble that rebuilds its members
// by layer name: one model that answers the mean of the members, before and
// after a save.

const SHAPE: NetShape = { ...NET_SHAPE, mix: 8, conv: [[5, 16], [3, 16]] };

describe('RUL network', () => {
  for (const window of [45, 22]) {
    it(`trains its convolutions and averages its members in one model (window ${window})`, async () => {
      await ensureBackend();
      const x = tf.randomNormal([256, window, 6], 0, 1, 'float32', 1);
      const y = tf.randomUniform([256, 1], 0, 1, 'float32', 2);
      const members = [buildRulNet(window, 6, 1, 2e-3, SHAPE, 'huber'), buildRulNet(window, 6, 2, 2e-3, SHAPE)];
      const ensemble = ensembleNet(members, window, 6, SHAPE);
      const restored = await restoreModel(await captureModel(ensemble));
      try {
        for (const m of members) {
          const before = m.getLayer('conv1').getWeights()[0]!.dataSync().slice();
          const h = await m.fit(x, y, { epochs: 3, batchSize: 64, verbose: 0 });
          expect(h.history.loss![2]!).toBeLessThan(h.history.loss![0]! as number);
          expect(m.getLayer('conv1').getWeights()[0]!.dataSync()).not.toEqual(before);
        }
        const trained = ensembleNet(members, window, 6, SHAPE);
        const again = await restoreModel(await captureModel(trained));
        const xs = x.slice([0, 0, 0], [4, window, 6]);
        const p = members.map((m) => Array.from((m.predict(xs) as tf.Tensor).dataSync()));
        const mean = p[0]!.map((v, i) => (v + p[1]![i]!) / 2);
        for (const net of [trained, again]) {
          Array.from((net.predict(xs) as tf.Tensor).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 5));
        }
        expect(again.inputs[0]!.shape).toEqual([null, window, 6]);
        trained.dispose();
        again.dispose();
      } finally {
        for (const m of [...members, ensemble, restored]) m.dispose();
        x.dispose();
        y.dispose();
      }
    });
  }
});
