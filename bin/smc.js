#!/usr/bin/env node
'use strict';
// Launcher for the `smc` command. In a source checkout it first rebuilds when
// any source is newer than the last build, so `npm run smc -- <command>` and
// `npm run serve` always run what is on disk; in an installed package it
// simply runs the built CLI.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const cli = join(root, 'out', 'main', 'cli.js');
const config = join(root, 'electron.vite.config.ts');

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

if (existsSync(config) && existsSync(join(root, 'node_modules', 'electron-vite'))) {
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const sources = ['main', 'preload', 'renderer', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p)).filter(existsSync);
  if (sources.some((s) => newestMtime(s) > built)) {
    process.stderr.write('smc: building the console (first run or sources changed)…\n');
    const vite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) {
      process.stderr.write('smc: the build failed; see the messages above\n');
      process.exit(1);
    }
  }
}
if (!existsSync(cli)) {
  process.stderr.write(`smc: ${cli} is missing; run npm run build\n`);
  process.exit(1);
}
require(cli);
