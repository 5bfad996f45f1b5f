import { join } from 'node:path';

// Tests that spawn `smc serve` or load the web console need a current build.
// `npm test` builds first; this covers running vitest on its own after edits.
export default function setup(): void {
  const root = join(__dirname, '..', '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script shared with bin/smc.js
  const { buildIfStale } = require(join(root, 'scripts', 'build-if-stale.js')) as { buildIfStale(root: string, reason: string): boolean };
  if (!buildIfStale(root, 'test setup: building out/ (sources are newer than the build)')) throw new Error('build failed');
}
