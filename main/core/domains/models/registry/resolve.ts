import type { ModelVersionRecord, VersionRef } from './types';

/**
 * The version a reference names, from one model's versions (newest first).
 * - a number: that version, whatever its stage;
 * - 'latest': the newest version, whatever its stage;
 * - 'auto': the production version; else the newest staging version; else
 *   (every version archived) the newest version. Never null while the model
 *   has a version, so a model whose versions were all archived keeps serving
 *   rather than silently dropping to the statistical fallback.
 */
export function pickVersion(newestFirst: readonly ModelVersionRecord[], ref: VersionRef): ModelVersionRecord | null {
  if (typeof ref === 'number') return newestFirst.find((r) => r.version === ref) ?? null;
  if (ref === 'latest') return newestFirst[0] ?? null;
  return newestFirst.find((r) => r.stage === 'production') ?? newestFirst.find((r) => r.stage === 'staging') ?? newestFirst[0] ?? null;
}
