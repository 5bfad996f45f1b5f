import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MlInputError } from '../ml-errors';
import type { ModelArtifact } from '../runtime/artifact';
import { parseRulMeta, type RulModelMeta } from './rul-meta';

// A RUL model as one self-contained JSON file (what `smc rul train` writes and
// `smc rul predict` reads): a format tag and version, the meta, the metrics,
// the network topology, the weight manifest and the weights in base64. One
// file is easy to copy to a field laptop; base64 costs a third more bytes on
// a model of ~20k weights (~110 kB), which does not matter.

export const RUL_MODEL_FORMAT = 'smc-rul-model';
export const RUL_MODEL_FORMAT_VERSION = 1;

export interface RulModelFile {
  artifact: ModelArtifact;
  meta: RulModelMeta;
  metrics: Record<string, number>;
}

/** Writes the model next to `path` and renames it into place, so a crash never leaves half a model. */
export function writeRulModelFile(path: string, model: RulModelFile): void {
  const doc = {
    format: RUL_MODEL_FORMAT,
    version: RUL_MODEL_FORMAT_VERSION,
    meta: model.meta,
    metrics: model.metrics,
    topology: model.artifact.topology,
    weightSpecs: model.artifact.weightSpecs,
    weights: Buffer.from(model.artifact.weightData).toString('base64'),
  };
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(doc)}\n`);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export function readRulModelFile(path: string): RulModelFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MlInputError(code === 'ENOENT' ? `model file ${path} does not exist` : `cannot read model file ${path}: ${(err as Error).message}`, { path });
  }
  const bad = (what: string): never => {
    throw new MlInputError(`${path} is not a RUL model file: ${what}`, { path });
  };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return bad('it is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('it is not a JSON object');
  if (doc.format !== RUL_MODEL_FORMAT) return bad(`format is ${JSON.stringify(doc.format)}, expected "${RUL_MODEL_FORMAT}"`);
  if (doc.version !== RUL_MODEL_FORMAT_VERSION) return bad(`format version ${JSON.stringify(doc.version)} is not supported (this smc reads version ${RUL_MODEL_FORMAT_VERSION})`);
  const meta = parseRulMeta(doc.meta, path);
  if (typeof doc.topology !== 'object' || doc.topology === null) return bad('topology is missing');
  if (!Array.isArray(doc.weightSpecs)) return bad('weightSpecs is missing');
  if (typeof doc.weights !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(doc.weights)) return bad('weights are not base64');
  const metrics: Record<string, number> = {};
  if (typeof doc.metrics === 'object' && doc.metrics !== null) {
    for (const [key, v] of Object.entries(doc.metrics)) if (typeof v === 'number' && Number.isFinite(v)) metrics[key] = v;
  }
  let expected = 0;
  for (const spec of doc.weightSpecs as unknown[]) {
    const s = spec as { name?: unknown; shape?: unknown; dtype?: unknown };
    if (typeof s?.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0) || BYTES_PER_DTYPE[String(s.dtype)] === undefined) {
      return bad('a weight spec is malformed');
    }
    expected += (s.shape as number[]).reduce((a, b) => a * b, 1) * BYTES_PER_DTYPE[String(s.dtype)]!;
  }
  const bytes = Buffer.from(doc.weights, 'base64');
  if (bytes.length !== expected) return bad(`weights hold ${bytes.length} bytes, the manifest describes ${expected}`);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return {
    artifact: { topology: doc.topology, weightSpecs: doc.weightSpecs as ModelArtifact['weightSpecs'], weightData },
    meta,
    metrics,
  };
}
