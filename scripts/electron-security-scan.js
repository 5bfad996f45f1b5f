#!/usr/bin/env node
'use strict';
// node scripts/electron-security-scan.js [--csv <file>]
//
// Runs Doyensec's Electronegativity over the project and fails on any HIGH
// finding. The scanner itself exits 0 whatever it finds, so the gate reads
// its CSV. Notes on running it:
// - `-e <version>`: without it the scanner assumes an ancient Electron and
//   reports checks that do not apply to Electron 41.
// - it runs from the temp folder through npx: installed inside a project it
//   can resolve the project's TypeScript instead of its own and crash.
// - 1.10.3 writes the CSV header and the rows with two concurrent writes, so
//   the header sometimes overwrites the start of the first row. Each row ends
//   with its check's wiki URL, so the check is always known; when a row's
//   severity was overwritten the scan is repeated, and if it never comes out
//   whole the gate fails rather than guess.

const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SCANNER = '@doyensec/electronegativity@1.10.3';
const ATTEMPTS = 3;

/**
 * Findings reviewed by hand: printed with the reason, still never able to
 * hide a HIGH. Keyed by check id (and file, where the finding has one).
 */
const REVIEWED = {
  CSP_GLOBAL_CHECK:
    'the CSP is a response header set by the app:// protocol handler (main/electron/app-protocol.ts) on every file the window loads; the scanner only recognises <meta> tags and webRequest.onHeadersReceived',
  PRELOAD_JS_CHECK:
    'manual-review reminder: preload/index.ts exposes invoke/saveExport/importFile over three fixed channels, for contract operation names only, never ipcRenderer',
};

const say = (line) => process.stdout.write(`${line}\n`);

function parseCsv(text) {
  const lines = text.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const id = /\/wiki\/([A-Z0-9_]+)\s*$/.exec(line)?.[1] ?? null;
    const m = /^([A-Z0-9_]+),"(HIGH|MEDIUM|LOW|INFORMATIONAL)","([A-Z]+)","([^"]*)","([^"]*)"/.exec(line);
    if (!m || m[1] !== id) return { id, severity: null, confidence: null, file: null, location: null };
    return { id, severity: m[2], confidence: m[3], file: m[4], location: m[5] };
  });
}

function scanOnce(electronVersion, csvPath) {
  const r = spawnSync('npx', ['-y', SCANNER, '-i', ROOT, '-e', electronVersion, '-r', '-o', csvPath], {
    cwd: tmpdir(),
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (r.error || r.status !== 0) throw new Error(`electronegativity did not run (${r.error ? r.error.message : `exit ${r.status}`})`);
  return parseCsv(readFileSync(csvPath, 'utf8'));
}

function main(argv) {
  const csvOut = argv.includes('--csv') ? argv[argv.indexOf('--csv') + 1] : null;
  const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const work = mkdtempSync(join(tmpdir(), 'smc-eng-'));
  try {
    const csvPath = join(work, 'electronegativity.csv');
    let findings = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      findings = scanOnce(electronVersion, csvPath);
      if (findings.every((f) => f.severity !== null)) break;
      if (attempt < ATTEMPTS) say('security scan: the scanner garbled a CSV row (a known race in 1.10.3); scanning again');
    }
    if (csvOut) copyFileSync(csvPath, csvOut);

    say(`\nsecurity scan (Electronegativity, Electron ${electronVersion}): ${findings.length} finding(s)`);
    for (const f of findings) {
      const where = f.file && f.file !== 'N/A' ? ` ${f.file}:${f.location}` : '';
      const note = REVIEWED[f.id] ? `\n    reviewed: ${REVIEWED[f.id]}` : '';
      say(`  ${f.severity ?? 'UNREADABLE'} ${f.id ?? '(unknown check)'}${where}${note}`);
    }
    const blocking = findings.filter((f) => f.severity === 'HIGH' || f.severity === null);
    if (blocking.length > 0) {
      say(`security scan FAILED: ${blocking.length} HIGH or unreadable finding(s)`);
      return 1;
    }
    say('security scan passed: no HIGH findings');
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { parseCsv };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`security scan: ${err.message}\n`);
    process.exitCode = 1;
  }
}
