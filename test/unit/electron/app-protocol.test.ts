import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from '../../../main/electron/app-protocol';
import { WINDOW_CSP } from '../../../main/electron/security-policy';
import { tempDir } from '../../helpers/station';

// The app:// handler as Electron calls it: a standard Request in, a Response out.

describe('serveAppRequest', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = tempDir('smc-app-protocol-');
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>SMC</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'export const x = 1;');
    writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'blob.bin'), Buffer.from([0, 1, 2]));
    // Beside the renderer folder: what a traversal would be after.
    writeFileSync(join(base, 'secret.txt'), 'do not serve');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => serveAppRequest(new Request(url, { method }), root);

  it('serves the entry document with the window CSP and nosniff', async () => {
    const res = await get('app://smc/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(WINDOW_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>SMC</title>');
  });

  it('serves assets with their content types (module scripts need a JavaScript type)', async () => {
    const js = await get('app://smc/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(WINDOW_CSP);
    expect(await js.text()).toBe('export const x = 1;');
    expect((await get('app://smc/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('app://smc/assets/blob.bin')).headers.get('content-type')).toBe('application/octet-stream');
  });

  it('answers client-side routes with index.html', async () => {
    const res = await get('app://smc/sensors/pump-1');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>SMC</title>');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('app://smc/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String('<!doctype html><title>SMC</title>'.length));
    expect(await res.text()).toBe('');
  });

  it.each([
    'app://smc/assets%2f..%2f..%2fsecret.txt',
    'app://smc/..%5csecret.txt',
    'app://smc/..%2fsecret.txt',
    'app://evil/index.html',
  ])('never serves outside the renderer folder: %s', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('do not serve');
    expect(res.headers.get('content-security-policy')).toBe(WINDOW_CSP);
  });

  it('keeps resolved dot segments inside the folder (the file there does not exist)', async () => {
    const res = await get('app://smc/../secret.txt');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('do not serve');
  });

  it('answers 404 for missing files and folders', async () => {
    expect((await get('app://smc/assets/missing.js')).status).toBe(404);
    expect((await get('app://smc/assets.d/x.js')).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://smc/index.html', 'POST')).status).toBe(405);
  });
});
