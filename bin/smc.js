#!/usr/bin/env node
'use strict';
// Launcher for the `smc` command. In a source checkout it first rebuilds when
// any source is newer than the last build, so `npm run smc -- <command>` and
// `npm run serve` always run what is on disk; in an installed package it
// simply runs the built CLI.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'out', 'main', 'cli.js');

if (existsSync(join(root, 'electron.vite.config.ts')) && existsSync(join(root, 'node_modules', 'electron-vite'))) {
  const { buildIfStale } = require('../scripts/build-if-stale.js');
  if (!buildIfStale(root, 'smc: building the console (first run or sources changed)…')) {
    process.stderr.write('smc: the build failed; see the messages above\n');
    process.exit(1);
  }
}
if (!existsSync(cli)) {
  process.stderr.write(`smc: ${cli} is missing; run npm run build\n`);
  process.exit(1);
}
require(cli);
