'use strict';
// Rebuilds out/ when any source is newer than the last build. Shared by the
// `smc` launcher and the test setup, so neither runs yesterday's build.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const SOURCES = ['main', 'contract', 'preload', 'renderer', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = [join('out', 'main', 'cli.js'), join('out', 'main', 'index.js'), join('out', 'preload', 'index.js'), join('out', 'renderer', 'index.html')];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when out/ is missing a part or older than a source file. */
function isStale(root) {
  const outputs = OUTPUTS.map((p) => join(root, p));
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return SOURCES.map((p) => join(root, p)).filter(existsSync).some((p) => newestMtime(p) > built);
}

/** Builds with electron-vite when stale; returns false when the build failed. */
function buildIfStale(root, reason) {
  if (!isStale(root)) return true;
  process.stderr.write(`${reason}\n`);
  const vite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  return spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] }).status === 0;
}

module.exports = { isStale, buildIfStale };
