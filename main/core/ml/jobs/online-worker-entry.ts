import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../platform/errors';
import { onlineWindowModel } from '../anomaly/online-model';
import { createOnlineScorer } from '../anomaly/online-scorer';
import { stepThroughCuts } from '../anomaly/online-step';
import type { WindowErrorModel } from '../anomaly/window-model';
import type { OnlineReply, OnlineRequest } from './online-worker-protocol';

// Entry of the online scoring worker (bundled as out/main/online-worker.js):
// no TF.js, only the plain-JS pass of the models it is sent. It runs until
// the station terminates it.

const models = new Map<string, WindowErrorModel>();

function reply(msg: OnlineReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

parentPort!.on('message', (msg: OnlineRequest) => {
  if (msg.type === 'clear') {
    models.clear();
    return;
  }
  if (msg.type === 'load') {
    models.set(msg.key, onlineWindowModel(msg.spec));
    return;
  }
  try {
    const model = models.get(msg.key);
    if (!model) throw new Error(`model ${msg.key} was not sent to the online scoring worker`);
    const step = stepThroughCuts(createOnlineScorer(model, msg.state ?? undefined), msg.rows, msg.cuts, model.sensors.length);
    reply({ id: msg.id, ok: true, ...step }, [step.scores.score.buffer as ArrayBuffer, step.scores.flags.buffer as ArrayBuffer]);
  } catch (err) {
    const e = err as Error;
    reply({ id: msg.id, ok: false, error: { name: e.name ?? 'Error', message: e.message ?? String(err), ...(isAppError(err) ? { code: err.code, details: err.details } : {}) } });
  }
});
