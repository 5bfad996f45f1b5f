import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/app';
import { openDatabase } from '../../main/core/platform/db';

const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
import { runCli, spawnServe } from '../helpers/serve-process';
import { ROOT, tempDir } from '../helpers/station';

async function stop(child: import('node:child_process').ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('smc command line', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: smc <command>/);
    expect(help.stdout).toMatch(/--port\s+SMC_PORT/);
    expect(help.stdout).not.toMatch(/\bhub\b/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('stops with one clear line on bad configuration or usage', async () => {
    const dir = tempDir();
    for (const [args, env, pattern] of [
      [['serve', '--port', 'http'], {}, /^smc: invalid setting port \(--port="http"\): expected an integer from 0 to 65535\n$/],
      [['serve'], { SMC_HOST: ' ' }, /^smc: invalid setting host \(SMC_HOST=" "\)/],
      [['serve', '--prot', '80'], {}, /^smc: Unknown option '--prot'.*\(see smc --help\)\n$/],
      [['serve', '--log-level', 'chatty'], {}, /^smc: invalid setting logLevel/],
      [['launch'], {}, /^smc: unknown command 'launch'/],
    ] as const) {
      const r = await runCli([...args, '--data-dir', dir], env as Record<string, string>);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stdout).toBe('');
    }
  });

  it('serves, prints where, a one-time sign-in link, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const p = await spawnServe(['--port', '0', '--data-dir', dir], { SMC_LOG_LEVEL: 'info' });
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((r) => setTimeout(r, 100));
    const link = new RegExp(`sign in to the web console: ${p.url.replace(/[.]/g, '\\.')}/\\?token=([A-Za-z0-9_-]+)`).exec(p.output());
    expect(link).not.toBeNull();
    const signIn = await fetch(`${p.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link![1] }) });
    expect(signIn.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    // The next link is printed for the next browser.
    expect(p.output().match(/sign in to the web console/g)).toHaveLength(2);
    expect(await stop(p.child)).toBe(0);
  });

  it('refuses a database written by a newer version, with a clear message', async () => {
    const dir = tempDir();
    openDatabase(join(dir, 'station.db'), { migrations: MIGRATIONS }).close();
    const raw = new Database(join(dir, 'station.db'));
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const r = await runCli(['serve', '--port', '0', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/newer than this program supports/);
  });

  it('reports a port already in use', async () => {
    const dir = tempDir();
    const p = await spawnServe(['--port', '0', '--data-dir', dir]);
    const port = new URL(p.url).port;
    const r = await runCli(['serve', '--port', port, '--data-dir', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    await stop(p.child);
  });

  it('manages API keys on the data directory, usable by the running station', async () => {
    const dir = tempDir();
    const created = await runCli(['keys', 'create', '--name', 'line-3 gateway', '--scopes', 'ingest,read', '--data-dir', dir]);
    expect(created.code).toBe(0);
    const key = /key:\s+(\S+)/.exec(created.stdout)![1]!;
    const id = /id:\s+(\S+)/.exec(created.stdout)![1]!;
    const p = await spawnServe(['--port', '0', '--data-dir', dir]);
    expect((await fetch(`${p.url}/api/v1/sensors`, { headers: { 'x-api-key': key } })).status).toBe(200);
    const list = await runCli(['keys', 'list', '--data-dir', dir]);
    expect(list.stdout).toMatch(new RegExp(`${id}.*active.*ingest,read.*line-3 gateway`));
    expect((await runCli(['keys', 'revoke', id, '--data-dir', dir])).code).toBe(0);
    expect((await fetch(`${p.url}/api/v1/sensors`, { headers: { 'x-api-key': key } })).status).toBe(401);
    const bad = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'root', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/got 'root'/);
    expect((await runCli(['keys', 'revoke', 'no-such-key', '--data-dir', dir])).code).toBe(1);
    // The commands call the station's operations: audited, with the CLI as the actor.
    const db = new Database(join(dir, 'station.db'), { readonly: true });
    const actions = db.prepare("SELECT action, actor FROM audit_log WHERE target = ? ORDER BY at").all(id);
    db.close();
    expect(actions).toEqual([{ action: 'keys.create', actor: 'cli' }, { action: 'keys.revoke', actor: 'cli' }]);
    await stop(p.child);
  });

  it('prints a new sign-in link the running station accepts, once', async () => {
    const dir = tempDir();
    const p = await spawnServe(['--port', '0', '--data-dir', dir, '--no-sign-in-link']);
    const port = new URL(p.url).port;
    const r = await runCli(['sign-in-link', '--data-dir', dir, '--port', port]);
    expect(r.code, r.stderr).toBe(0);
    const m = new RegExp(`sign in to the web console: http://127\\.0\\.0\\.1:${port}/\\?token=([A-Za-z0-9_-]+)`).exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const signIn = (token: string) => fetch(`${p.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    expect((await signIn(m![1]!)).status).toBe(200);
    expect((await signIn(m![1]!)).status).toBe(401);
    await stop(p.child);
  });

  it('refuses a second station on the same data directory, naming the first', async () => {
    const dir = tempDir();
    const p = await spawnServe(['--port', '0', '--data-dir', dir]);
    const r = await runCli(['serve', '--port', '0', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`another station \\(process ${p.child.pid}\\) is already running on`));
    await stop(p.child);
    // A lock left by a killed station does not block the next start.
    const q = await spawnServe(['--port', '0', '--data-dir', dir]);
    q.child.kill('SIGKILL');
    await new Promise((resolve) => q.child.once('exit', resolve));
    const again = await spawnServe(['--port', '0', '--data-dir', dir]);
    expect(await stop(again.child)).toBe(0);
  });

  it('runs the same from npm: `npm run serve -- <flags>` equals `npm run smc -- serve <flags>`', async () => {
    for (const args of [['run', '--silent', 'serve', '--'], ['run', '--silent', 'smc', '--', 'serve']]) {
      const dir = tempDir();
      const child = spawn('npm', [...args, '--port', '0', '--data-dir', dir, '--no-sign-in-link'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      let gone = false;
      child.once('exit', () => (gone = true));
      const started = Date.now();
      // The first run may build the console before it serves.
      while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(out) && !gone && Date.now() - started < 80_000) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).not.toMatch(/sign in to the web console/);
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 180_000);
});
