import { AppError } from '../../../platform/errors';

// JSON.stringify turns NaN and Infinity into null and a Float64Array into
// {"0": ...}: a model would come back from the registry with silently wrong
// numbers. Everything stored is checked here first, naming the bad path.

/** JSON text of `value`; typed arrays become plain arrays, non-finite numbers are refused. */
export function storedJson(value: unknown, what: string): string {
  return JSON.stringify(plain(value, what, new Set()));
}

function plain(v: unknown, path: string, ancestors: Set<object>): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw refuse(path, `is ${String(v)}, not a finite number`);
    return v;
  }
  if (v === undefined) return null;
  if (typeof v !== 'object') throw refuse(path, `is a ${typeof v}, which JSON cannot hold`);
  if (ancestors.has(v)) throw refuse(path, 'refers back to itself');
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number | bigint>, (x, i) => plain(typeof x === 'bigint' ? Number(x) : x, `${path}[${i}]`, ancestors));
  }
  ancestors.add(v);
  try {
    if (Array.isArray(v)) return v.map((x, i) => plain(x, `${path}[${i}]`, ancestors));
    if (v instanceof Date) return v.toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // undefined properties are dropped, as JSON.stringify would.
      if (x !== undefined) out[k] = plain(x, `${path}.${k}`, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(v);
  }
}

function refuse(path: string, why: string): AppError {
  return new AppError('validation_failed', `cannot store the model: ${path} ${why}`, [{ path, message: why }]);
}
