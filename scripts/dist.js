#!/usr/bin/env node
'use strict';
// npm run dist [-- <electron-builder target flags, e.g. --linux AppImage | --dir>]
//
// Packages the desktop app without touching this project's node_modules.
// Tests and `smc serve` run under Node 20 (ABI 115) and need that build of
// better-sqlite3; Electron 41 (ABI 145) needs another. So:
//   1. check electron-builder.yml against electron-builder's own schema and
//      this project's rules (offline);
//   2. build out/ with electron-vite;
//   3. check that Electron's headers (for the rebuild) and the Electron
//      binary (for packaging) can be had — cached or downloadable — and stop
//      with a clear message when they cannot, instead of failing halfway;
//   4. copy the project to a staging folder, rebuild better-sqlite3 there
//      for Electron, run electron-builder there (npmRebuild: false), with the
//      installers written to this project's dist/.
// Flags of our own: --skip-preflight (try anyway, e.g. behind a mirror the
// check does not know), --keep-staging (leave the staging folder to inspect).

const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { homedir, tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const CONFIG_FILE = 'electron-builder.yml';
const NATIVE_MODULE = 'better-sqlite3';

const say = (line) => process.stdout.write(`dist: ${line}\n`);

class DistError extends Error {}

/**
 * electron-builder's own schema validation (what `electron-builder` runs
 * first), reached through its internal module because it is not exported;
 * plus the rules this project depends on. Resolves to the loaded config.
 */
async function validateBuilderConfig(projectDir = ROOT) {
  const { getConfig, validateConfiguration } = require(require.resolve('app-builder-lib/out/util/config/config', { paths: [ROOT] }));
  const { DebugLogger } = require(require.resolve('builder-util', { paths: [ROOT] }));
  const config = await getConfig(projectDir, join(projectDir, CONFIG_FILE), null);
  await validateConfiguration(config, new DebugLogger(false));
  const problems = [];
  if (!config.appId) problems.push('appId is missing');
  if (config.productName !== 'Smart Maintenance Console') problems.push('productName must be "Smart Maintenance Console"');
  if (config.asar !== true) problems.push('asar must be true');
  if (config.npmRebuild !== false) problems.push(`npmRebuild must be false (the staging step rebuilds ${NATIVE_MODULE}; a rebuild in the project would break the tests)`);
  if (!(config.asarUnpack || []).some((p) => p.includes(NATIVE_MODULE) && p.endsWith('.node'))) problems.push(`asarUnpack must list ${NATIVE_MODULE}'s .node file`);
  // electron-builder normalises `files` to FileSet objects ({ filter: [...] }).
  const patterns = [config.files || []].flat().flatMap((f) => (typeof f === 'string' ? [f] : [f.filter || []].flat()));
  if (!patterns.includes('out/**')) problems.push('files must include out/**');
  if (problems.length > 0) throw new DistError(`${CONFIG_FILE}: ${problems.join('; ')}`);
  return config;
}

function electronVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

function electronCacheDir() {
  if (process.env.ELECTRON_CACHE) return process.env.ELECTRON_CACHE;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron');
}

/** @electron/get keeps zips either flat or under a hash-named folder. */
function cachedZip(name) {
  const dir = electronCacheDir();
  if (!existsSync(dir)) return false;
  if (existsSync(join(dir, name))) return true;
  return readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory() && existsSync(join(dir, d.name, name)));
}

async function reachable(url) {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(10_000) });
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    return err.cause && err.cause.code ? err.cause.code : err.message;
  }
}

async function preflight(version) {
  const problems = [];
  const headersUrl = `${process.env.ELECTRON_REBUILD_DIST_URL || 'https://www.electronjs.org/headers'}/v${version}/node-v${version}-headers.tar.gz`;
  if (!existsSync(join(homedir(), '.electron-gyp', version, 'include', 'node'))) {
    const why = await reachable(headersUrl);
    if (why) problems.push(`Electron ${version} headers (to rebuild ${NATIVE_MODULE} for Electron's ABI) are not cached in ~/.electron-gyp and ${headersUrl} is unreachable (${why})`);
  }
  const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  if (!cachedZip(zip)) {
    const mirror = process.env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
    const url = `${mirror}v${version}/${zip}`;
    const why = await reachable(url);
    if (why) problems.push(`the Electron binary ${zip} (which electron-builder packages) is not in ${electronCacheDir()} and ${url} is unreachable (${why})`);
  }
  return problems;
}

function run(what, command, args, cwd) {
  say(`${what}: ${[command, ...args].join(' ')}`);
  const r = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (r.error) throw new DistError(`${what} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new DistError(`${what} failed (exit ${r.status})`);
}

function binOf(pkg, bin) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'));
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  return join(ROOT, 'node_modules', pkg, rel);
}

/** A copy of what packaging reads; node_modules included so the rebuild there cannot reach ours. */
function stage() {
  const dir = mkdtempSync(join(tmpdir(), 'smc-dist-'));
  say(`staging in ${dir} (copying node_modules takes a moment)`);
  for (const entry of ['package.json', 'package-lock.json', CONFIG_FILE, 'out', 'build', 'node_modules']) {
    const from = join(ROOT, entry);
    if (existsSync(from)) cpSync(from, join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

async function main(argv) {
  const own = new Set(['--skip-preflight', '--keep-staging']);
  const builderArgs = argv.filter((a) => !own.has(a));
  await validateBuilderConfig();
  say(`${CONFIG_FILE} is valid`);
  run('build', process.execPath, [binOf('electron-vite', 'electron-vite'), 'build'], ROOT);

  const version = electronVersion();
  if (!argv.includes('--skip-preflight')) {
    const problems = await preflight(version);
    if (problems.length > 0) {
      throw new DistError(
        `cannot package on this machine:\n  - ${problems.join('\n  - ')}\n` +
          'Packaging needs Electron\'s headers and binary (and electron-builder downloads its AppImage/fpm/NSIS tools on first use). ' +
          'Run it where those downloads work, or fill the caches (ELECTRON_CACHE, ~/.electron-gyp) or set ELECTRON_MIRROR / ELECTRON_REBUILD_DIST_URL; ' +
          '--skip-preflight tries anyway. No installer was built.',
      );
    }
  }

  const staging = stage();
  try {
    run(`rebuild ${NATIVE_MODULE} for Electron ${version}`, process.execPath, [binOf('@electron/rebuild', 'electron-rebuild'), '--force', '--sequential', '--which-module', NATIVE_MODULE, '--version', version, '--module-dir', staging], staging);
    run('electron-builder', process.execPath, [
      binOf('electron-builder', 'electron-builder'),
      '--projectDir', staging,
      '--config', CONFIG_FILE,
      '--publish', 'never',
      `-c.directories.output=${join(ROOT, 'dist')}`,
      `-c.electronVersion=${version}`,
      ...builderArgs,
    ], staging);
    say(`installers written to ${join(ROOT, 'dist')}`);
  } finally {
    if (argv.includes('--keep-staging')) say(`staging folder kept: ${staging}`);
    else rmSync(staging, { recursive: true, force: true });
  }
}

module.exports = { validateBuilderConfig, preflight };

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`dist: ${err instanceof DistError ? err.message : err.stack}\n`);
    process.exit(1);
  });
}
