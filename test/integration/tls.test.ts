import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startStation } from '../helpers/station';

describe('TLS', () => {
  it('serves HTTPS when a certificate and key are configured', async () => {
    const certFile = join(ROOT, 'test', 'fixtures', 'tls', 'cert.pem');
    const keyFile = join(ROOT, 'test', 'fixtures', 'tls', 'key.pem');
    const s = await startStation({ tls: { certFile, keyFile } });
    try {
      expect(s.url).toMatch(/^https:\/\//);
      const body = await new Promise<string>((resolve, reject) => {
        request(`${s.url}/health`, { ca: readFileSync(certFile) }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    } finally {
      await s.stop();
    }
  });
});
