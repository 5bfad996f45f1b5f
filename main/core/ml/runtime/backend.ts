import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

// TF.js runs on its WebAssembly backend (the binary ships inside the npm
// package, so nothing is fetched) and falls back to the pure-JS CPU backend
// when WebAssembly cannot start. One initialisation per thread.

export type BackendName = 'wasm' | 'cpu';

let ready: Promise<BackendName> | undefined;

function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

/** Initialises TF.js once on this thread; `prefer: 'cpu'` skips WebAssembly. */
export function ensureBackend(prefer: BackendName = 'wasm'): Promise<BackendName> {
  ready ??= (async () => {
    if (prefer === 'wasm') {
      try {
        setWasmPaths(`${join(wasmDir(), '/')}`);
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return 'wasm';
        }
      } catch {
        // fall through to the CPU backend
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}

/** The backend in use, or null before `ensureBackend` resolved. */
export function activeBackend(): BackendName | null {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu' ? name : null;
}

/** Offline or safe mode: no model is loaded or trained; detectors use statistics. */
export function modelLoadingDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.SMC_DISABLE_MODEL_LOADING ?? '').trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

export { tf };
