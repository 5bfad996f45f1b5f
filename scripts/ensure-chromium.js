#!/usr/bin/env node
'use strict';
// The browser tests drive Debian's Chromium (Playwright cannot download its
// own browser here). Before `npm test`, make sure it is there: install it on a
// Debian machine where we are root, otherwise say exactly what is missing.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = process.env.SMC_CHROMIUM || '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  process.stderr.write(
    `The browser tests need Chromium at ${CHROMIUM}.\n` +
      'Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or point SMC_CHROMIUM at a Chromium binary.\n',
  );
  process.exit(1);
}
process.stderr.write('Installing Debian\'s chromium for the browser tests (apt-get install -y chromium)…\n');
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
if (!run(['update']) || !run(['install', '-y', '--no-install-recommends', 'chromium'])) {
  process.stderr.write('apt-get could not install chromium; install it by hand and run npm test again.\n');
  process.exit(1);
}
