import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStation, type Station, type StationOptions } from '../../main/core/app';
import { loadConfig, type StationConfig } from '../../main/core/config';
import { createLogger } from '../../main/core/platform/log';
import type { Scope } from '../../contract';

export const ROOT = join(__dirname, '..', '..');
export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghij';

export function tempDir(prefix = 'smc-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestStation {
  station: Station;
  url: string;
  dir: string;
  adminKey: string;
  /** JSON request with the admin key unless `key` says otherwise (null: no key). */
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  createKey(scopes: Scope[], extra?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string | Uint8Array;
  key?: string | null;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function startStation(overrides: Partial<StationConfig> = {}, opts: { rendererDir?: string; now?: () => number; dir?: string; station?: Partial<StationOptions> } = {}): Promise<TestStation> {
  const dir = opts.dir ?? tempDir();
  const config: StationConfig = {
    ...loadConfig({ env: {}, flags: { 'data-dir': dir } }),
    port: 0,
    logLevel: 'silent',
    bootstrapKey: ADMIN_KEY,
    rateLimitPerMinute: 1_000_000,
    signInLink: false,
    ...overrides,
  };
  const station = await createStation(config, {
    log: createLogger({ level: config.logLevel }),
    validateOutput: true,
    ...(opts.rendererDir ? { rendererDir: opts.rendererDir } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...opts.station,
  });
  const url = await station.start();
  const request = async (method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? ADMIN_KEY : o.key;
    if (key !== null) headers['x-api-key'] = key;
    let body: string | Uint8Array | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV export, metrics): callers read `text`
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    station,
    url,
    dir,
    adminKey: ADMIN_KEY,
    request,
    async createKey(scopes, extra = {}) {
      const res = await request('POST', '/api/v1/admin/keys', { body: { name: `test ${scopes.join('+')}`, scopes, ...extra } });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
      return res.body.key as string;
    },
    async stop() {
      await station.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A reading at `ts` (epoch ms) for `sensor`. */
export function reading(sensor: string, ts: number, value: number, extra: Record<string, unknown> = {}) {
  return { sensor_id: sensor, timestamp: ts, value, ...extra };
}
