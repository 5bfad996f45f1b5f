import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../helpers/station';

// The packaging configuration and the security gate's CSV reading, offline.
// The scripts are plain CommonJS run by node; they are loaded as such.
const load = createRequire(join(ROOT, 'package.json'));
const dist = load('./scripts/dist.js') as { validateBuilderConfig(dir?: string): Promise<Record<string, any>> };
const scan = load('./scripts/electron-security-scan.js') as {
  parseCsv(text: string): Array<{ id: string | null; severity: string | null; file: string | null }>;
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema and the project's packaging rules", async () => {
    const config = await dist.validateBuilderConfig(ROOT);
    expect(config.productName).toBe('Smart Maintenance Console');
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, grantFileProtocolExtraPrivileges: false });
    expect(Object.keys(config)).toEqual(expect.arrayContaining(['linux', 'win', 'mac']));
  });

  it('is refused when it breaks the schema or a packaging rule', async () => {
    const copy = (mutate: (yml: string) => string) => {
      const dir = tempDir('smc-builder-');
      dirs.push(dir);
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      writeFileSync(join(dir, 'electron-builder.yml'), mutate(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')));
      return dir;
    };
    await expect(dist.validateBuilderConfig(copy((y) => `${y}\nnoSuchOption: true\n`))).rejects.toThrow(/noSuchOption/);
    await expect(dist.validateBuilderConfig(copy((y) => y.replace('npmRebuild: false', 'npmRebuild: true')))).rejects.toThrow(/npmRebuild must be false/);
    await expect(dist.validateBuilderConfig(copy((y) => y.replace(/asarUnpack:\n.*\n/, '')))).rejects.toThrow(/asarUnpack/);
  });
});

describe('security scan CSV', () => {
  const header = 'issue, severity, confidence, filename, location, sample, description, url\n';
  const url = (id: string) => `https://github.com/doyensec/electronegativity/wiki/${id}`;

  it('reads the check and severity of each row', () => {
    const rows = scan.parseCsv(
      header +
        `CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/electron/window.ts","16:14","const win = new BrowserWindow({","Review the use of the contextIsolation option",${url('CONTEXT_ISOLATION_JS_CHECK')}\n` +
        `CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"No CSP has been detected",${url('CSP_GLOBAL_CHECK')}\n`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ id: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', file: 'main/electron/window.ts' }),
      expect.objectContaining({ id: 'CSP_GLOBAL_CHECK', severity: 'MEDIUM' }),
    ]);
  });

  it('marks a row whose start the scanner overwrote as unreadable rather than guessing', () => {
    const rows = scan.parseCsv(`${header}ted in the target application",${url('CSP_GLOBAL_CHECK')}\n`);
    expect(rows).toEqual([expect.objectContaining({ id: 'CSP_GLOBAL_CHECK', severity: null })]);
  });
});
