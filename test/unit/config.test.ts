import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, loadConfig } from '../../main/core/config';

const dir = () => mkdtempSync(join(tmpdir(), 'smc-config-'));

describe('loadConfig', () => {
  it('has safe defaults: localhost, port 8000, full durability', () => {
    const c = loadConfig({ env: {}, flags: { 'data-dir': dir() } });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8000, dbSynchronous: 'full', logLevel: 'info', signInLink: true });
    expect(c.bootstrapKey).toBeUndefined();
  });

  it('takes flags over environment over the config file', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ port: 7000, host: '127.0.0.2', logLevel: 'debug' }));
    const fileOnly = loadConfig({ env: {}, flags: { 'data-dir': d } });
    expect(fileOnly).toMatchObject({ port: 7000, host: '127.0.0.2', logLevel: 'debug' });
    const envOver = loadConfig({ env: { SMC_PORT: '7100', SMC_DATA_DIR: d }, flags: {} });
    expect(envOver.port).toBe(7100);
    expect(envOver.host).toBe('127.0.0.2');
    const flagOver = loadConfig({ env: { SMC_PORT: '7100' }, flags: { port: '7200', 'data-dir': d } });
    expect(flagOver.port).toBe(7200);
  });

  it('stops with one line naming the bad setting and its source', () => {
    const d = dir();
    expect(() => loadConfig({ env: { SMC_PORT: 'eighty' }, flags: { 'data-dir': d } })).toThrow(/invalid setting port \(SMC_PORT="eighty"\): expected an integer from 0 to 65535/);
    expect(() => loadConfig({ env: {}, flags: { port: '70000', 'data-dir': d } })).toThrow(/invalid setting port \(--port="70000"\)/);
    expect(() => loadConfig({ env: { SMC_LOG_LEVEL: 'loud' }, flags: { 'data-dir': d } })).toThrow(/logLevel.*expected one of/);
    expect(() => loadConfig({ env: { SMC_BOOTSTRAP_KEY: 'short' }, flags: { 'data-dir': d } })).toThrow(/bootstrapKey.*24 to 256/);
    expect(() => loadConfig({ env: { SMC_DB_SYNCHRONOUS: 'off' }, flags: { 'data-dir': d } })).toThrow(/dbSynchronous/);
    expect(() => loadConfig({ env: { SMC_TLS_CERT: '/nonexistent.pem' }, flags: { 'data-dir': d } })).toThrow(/TLS needs both/);
    for (const bad of [
      () => loadConfig({ env: { SMC_PORT: 'x' }, flags: { 'data-dir': d } }),
      () => loadConfig({ env: { SMC_RATE_LIMIT_PER_MINUTE: '0' }, flags: { 'data-dir': d } }),
    ]) {
      try {
        bad();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });

  it('never echoes a bootstrap key in an error', () => {
    const secret = 'has spaces but is long enough 1234567890';
    try {
      loadConfig({ env: { SMC_BOOTSTRAP_KEY: secret }, flags: { 'data-dir': dir() } });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain(secret);
    }
  });

  it('rejects unknown or malformed config files', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ env: {}, flags: { 'data-dir': d } })).toThrow(/unknown setting "prot"/);
    writeFileSync(join(d, 'config.json'), '{ "port": 80,');
    expect(() => loadConfig({ env: {}, flags: { 'data-dir': d } })).toThrow(/invalid config file/);
    writeFileSync(join(d, 'config.json'), JSON.stringify({ port: 'abc' }));
    expect(() => loadConfig({ env: {}, flags: { 'data-dir': d } })).toThrow(/invalid setting port \(config.json "port"="abc"\)/);
  });

  it('reads retention and the disk floor: raw readings kept for ever, a pass every 300 s, a 256 MiB floor by default', () => {
    const d = dir();
    const defaults = loadConfig({ env: {}, flags: { 'data-dir': d } });
    expect(defaults.rawRetentionDays).toBeUndefined();
    expect(defaults).toMatchObject({ retentionIntervalS: 300, diskFloorMb: 256 });
    writeFileSync(join(d, 'config.json'), JSON.stringify({ rawRetentionDays: 90, retentionIntervalS: 60, diskFloorMb: 0 }));
    expect(loadConfig({ env: {}, flags: { 'data-dir': d } })).toMatchObject({ rawRetentionDays: 90, retentionIntervalS: 60, diskFloorMb: 0 });
    const env = loadConfig({ env: { SMC_RAW_RETENTION_DAYS: '30', SMC_RETENTION_INTERVAL_S: '5', SMC_DISK_FLOOR_MB: '1024' }, flags: { 'data-dir': d } });
    expect(env).toMatchObject({ rawRetentionDays: 30, retentionIntervalS: 5, diskFloorMb: 1024 });
    const flags = loadConfig({ env: { SMC_RAW_RETENTION_DAYS: '30' }, flags: { 'data-dir': d, 'raw-retention-days': '7', 'retention-interval-s': '1', 'disk-floor-mb': '512' } });
    expect(flags).toMatchObject({ rawRetentionDays: 7, retentionIntervalS: 1, diskFloorMb: 512 });
  });

  it('refuses bad retention and disk-floor settings, naming each', () => {
    const d = dir();
    const load = (env: Record<string, string>) => () => loadConfig({ env, flags: { 'data-dir': d } });
    expect(load({ SMC_RAW_RETENTION_DAYS: '0' })).toThrow(/^invalid setting rawRetentionDays \(SMC_RAW_RETENTION_DAYS="0"\): expected a whole number of days from 1 to 36500$/);
    expect(load({ SMC_RAW_RETENTION_DAYS: '36501' })).toThrow(/rawRetentionDays/);
    expect(load({ SMC_RAW_RETENTION_DAYS: '90d' })).toThrow(/rawRetentionDays/);
    expect(load({ SMC_RETENTION_INTERVAL_S: '0' })).toThrow(/^invalid setting retentionIntervalS \(SMC_RETENTION_INTERVAL_S="0"\): expected a whole number of seconds/);
    expect(load({ SMC_DISK_FLOOR_MB: '-1' })).toThrow(/^invalid setting diskFloorMb \(SMC_DISK_FLOOR_MB="-1"\): expected a whole number of MiB/);
    expect(() => loadConfig({ env: {}, flags: { 'data-dir': d, 'disk-floor-mb': '1.5' } })).toThrow(/invalid setting diskFloorMb \(--disk-floor-mb="1.5"\)/);
    writeFileSync(join(d, 'config.json'), JSON.stringify({ rawRetentionDays: 1.5 }));
    expect(load({})).toThrow(/invalid setting rawRetentionDays \(config.json "rawRetentionDays"=1.5\)/);
  });

  it('places the data directory per platform', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/smart-maintenance-console');
    expect(defaultDataDir({ APPDATA: 'C:\\A' }, 'win32')).toContain('smart-maintenance-console');
  });
});
