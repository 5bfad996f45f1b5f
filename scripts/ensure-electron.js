#!/usr/bin/env node
'use strict';
// `npm ci` does not run Electron's download script (package.json allowScripts
// denies it), so installing works on machines that cannot reach Electron's
// download host. The desktop app fetches the binary on the first `npm start`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const electronDir = join(root, 'node_modules', 'electron');

function binaryPresent() {
  try {
    return existsSync(require(electronDir));
  } catch {
    return false;
  }
}

if (binaryPresent()) process.exit(0);
process.stderr.write('Downloading the Electron binary (first start of the desktop app)…\n');
const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
if (r.status !== 0 || !binaryPresent()) {
  process.stderr.write(
    'The Electron binary could not be downloaded, so the desktop app cannot start here.\n' +
      'The same console runs headless in a browser: npm run serve\n',
  );
  process.exit(1);
}
