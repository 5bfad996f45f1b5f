import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Tests that spawn `smc serve` or load the web console need the build.
// `npm test` builds first; this covers running vitest on its own.
export default function setup(): void {
  const root = join(__dirname, '..', '..');
  if (existsSync(join(root, 'out', 'main', 'cli.js')) && existsSync(join(root, 'out', 'renderer', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}
