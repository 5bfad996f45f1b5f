import fc from 'fast-check';

// Generators of random and malformed requests for the ingestion and readings
// routes. Each case is a plain HTTP request description; the fuzz test sends
// it and judges only the response, so a case never needs to know its outcome.

export interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const NOW = Date.now();
const MIN_TS = Date.UTC(1990, 0, 1);
const enc = new TextEncoder();

const JSON_TYPE = { 'content-type': 'application/json' };

/** encodeURIComponent that survives lone surrogates (they become U+FFFD, as a UTF-8 client would send them). */
const encode = (s: string): string => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

/** Sensor ids: a few shared ones (so duplicates, conflicts and descriptor clashes happen), fresh ones, and names that are object-prototype members. */
const validSensorId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('fz-0', 'fz-1', 'fz-2', 'fz-3', 'constructor', 'toString', 'hasOwnProperty', 'valueOf') },
  { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/) },
  { weight: 1, arbitrary: fc.constant('a'.repeat(128)) },
);

const junkString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '\u0000abc', 'a\r\nb', '\u202e\u200b', '\ud800', '💥'.repeat(50), 'x'.repeat(5000), 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '0x10', '1e999', '١٢٣', '１２３'),
);

const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  junkString,
  fc.constantFrom(null, true, false, [], {}, [1], { a: 1 }, -1, 0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2),
  fc.jsonValue({ maxDepth: 2 }),
);

const invalidSensorId = fc.oneof(junkString, fc.constantFrom('a'.repeat(129), 'a/b', '../x', '-x', '_x', '.x', 'a b', 'é', '__proto__'), junkValue);

function isoWithOffset(ms: number, offsetMin: number, style: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  if (offsetMin === 0 && style % 2 === 0) return `${local}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return style % 3 === 0 ? `${local}${sign}${hh}${mm}` : `${local}${sign}${hh}:${mm}`;
}

const validTs: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer({ min: MIN_TS, max: NOW - 1000 }),
  fc
    .tuple(fc.integer({ min: MIN_TS, max: NOW - 24 * 3600_000 }), fc.integer({ min: -48, max: 56 }), fc.nat(5))
    .map(([ms, q, style]) => isoWithOffset(ms, q * 15, style)),
  fc.integer({ min: MIN_TS, max: NOW - 1000 }).map(String),
);

const invalidTs: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'NaN', 'Infinity', '-1', '0', '-0', 1.7e9, 1.7e12 + 0.5, '2024-01-01T00:00:00', '2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z',
    '2024-01-01T00:00:00+99:99', '9999-12-31T23:59:59Z', '0099-01-01T00:00:00Z', 'tomorrow', '', 1e308, -0, Number.MAX_SAFE_INTEGER,
    NOW + 3600_000, new Date(NOW + 3600_000).toISOString(), '2024-01-01T00:00:00.1234567890Z', '2024-01-01', '12:00:00Z',
  ),
  junkValue,
);

const validValue = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER),
);

const metadata = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constant({ nested: { deeper: { deepest: [1, 2, { x: 'y' }] } } }),
);

export const validReading = fc.record(
  {
    sensor_id: validSensorId,
    timestamp: validTs,
    value: validValue,
    sensor_type: fc.constantFrom('temperature', 'vibration', ' Pressure ', 'current'),
    unit: fc.constantFrom('C', 'mm/s', 'bar', 'A'),
    quality: fc.double({ min: 0, max: 1, noNaN: true }),
    asset_id: fc.constantFrom('pump-1', 'pump-2', 'fan:3'),
    metadata,
  },
  { requiredKeys: ['sensor_id', 'timestamp', 'value'] },
);

const FIELDS = ['sensor_id', 'timestamp', 'value', 'sensor_type', 'unit', 'quality', 'asset_id', 'metadata'] as const;

const BAD_VALUES: unknown[] = ['1', '', null, true, [1], { v: 1 }, '1e999', 'NaN'];
const BAD_QUALITIES: unknown[] = [-0.0001, 1.0001, '0.5', null, 1e308];
const BAD_METADATA: unknown[] = ['x', [], null, 5, { big: 'x'.repeat(3000) }];
const BAD_UNITS: unknown[] = ['', ' ', 'a\u0001b', 'u'.repeat(33)];
const BAD_TYPES: unknown[] = ['', 'Bad Type!', 't'.repeat(65), 5];

/** A valid reading with one or two things wrong with it. */
export const nearValidReading: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(validReading, fc.array(fc.nat(9), { minLength: 1, maxLength: 2 }), fc.constantFrom(...FIELDS), junkValue, invalidSensorId, invalidTs, fc.string({ maxLength: 12 }), fc.nat())
  .map(([r, ops, field, junk, badId, badTs, extraKey, pick]) => {
    const out: Record<string, unknown> = { ...r };
    const from = (list: unknown[]) => list[pick % list.length];
    for (const op of ops) {
      switch (op) {
        case 0: delete out[field]; break;
        case 1: out[field] = junk; break;
        case 2: out.sensor_id = badId; break;
        case 3: out.timestamp = badTs; break;
        case 4: out.value = from(BAD_VALUES); break;
        case 5: out.quality = from(BAD_QUALITIES); break;
        // defineProperty, so that keys such as __proto__ become real own keys of the JSON object
        case 6: Object.defineProperty(out, extraKey || 'extra', { value: 1, enumerable: true, configurable: true, writable: true }); break;
        case 7: out.metadata = from(BAD_METADATA); break;
        case 8: out.unit = from(BAD_UNITS); break;
        default: out.sensor_type = from(BAD_TYPES); break;
      }
    }
    return out;
  });

const anyItem = fc.oneof({ weight: 3, arbitrary: validReading }, { weight: 3, arbitrary: nearValidReading }, { weight: 1, arbitrary: junkValue });

const partialQuery = fc.constantFrom('', '', '', '?partial=true', '?partial=false', '?partial=1', '?partial=maybe', '?partial=true&partial=false', '?partial=');

const idemHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom('k-1', 'k-2', 'k-3'),
        fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }),
        fc.constantFrom('x'.repeat(201), 'é-latin1', 'a b', '\t', ' k '),
      )
      .map((k) => ({ 'idempotency-key': k })),
  },
);

/** JSON bodies for POST /api/v1/data/ingest in every accepted shape, and some that are not. */
const ingestJson: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.oneof(
      validReading.map((r) => ['single-valid', r] as const),
      nearValidReading.map((r) => ['single-near-valid', r] as const),
      fc.array(anyItem, { maxLength: 40 }).map((a) => ['array-mixed', a] as const),
      fc.array(validReading, { minLength: 1, maxLength: 60 }).map((a) => ['array-valid', a] as const),
      fc.array(anyItem, { maxLength: 20 }).map((a) => ['wrapped-mixed', { readings: a }] as const),
      fc.tuple(fc.array(anyItem, { maxLength: 20 }), junkValue).map(([a, p]) => ['wrapped-partial', { readings: a, partial: p }] as const),
      junkValue.filter((v) => !Array.isArray(v)).map((v) => ['readings-not-array', { readings: v }] as const),
      fc.jsonValue().map((v) => ['random-json', v] as const),
      fc.object().map((v) => ['random-object', v] as const),
    ),
    partialQuery,
    idemHeader,
  )
  .map(([[kind, body], q, idem]) => ({
    kind: `ingest:${kind}`,
    method: 'POST',
    path: `/api/v1/data/ingest${q}`,
    headers: { ...JSON_TYPE, ...idem },
    body: JSON.stringify(body) ?? 'undefined',
  }));

/** Raw JSON text that no serializer would produce: prototype keys, number literals JSON lacks, duplicate keys. */
const ingestRawJson: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom('1e400', '-1e400', '-0', 'NaN', 'Infinity', '0x10', '01', '.5', '1.', '+1', '1e-400', '123456789012345678901234567890'),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'value'),
    fc.integer({ min: MIN_TS, max: NOW - 1000 }),
    fc.nat(3),
  )
  .map(([num, key, ts, shape]) => {
    const texts = [
      `{"sensor_id":"fz-raw","timestamp":${ts},"value":${num}}`,
      `{"sensor_id":"fz-raw","timestamp":${ts},"value":1,"${key}":{"polluted":true}}`,
      `[{"sensor_id":"fz-raw","timestamp":${ts},"value":1,"metadata":{"${key}":{"polluted":true}}}]`,
      `{"readings":[{"sensor_id":"fz-raw","timestamp":${ts},"value":1,"value":"x"}],"${key}":{"polluted":true}}`,
    ];
    return { kind: 'ingest:raw-json', method: 'POST', path: '/api/v1/data/ingest', headers: JSON_TYPE, body: texts[shape]! };
  });

/** Broken bodies: truncated, trailing garbage, BOM, invalid UTF-8, comments, empty. */
const ingestMalformed: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.array(validReading, { minLength: 1, maxLength: 5 }), fc.nat(8), fc.nat(), fc.constantFrom('}', ']', 'x', '\u0000', ',', ' []', '{}', '\n{"a":1}'), idemHeader)
  .map(([readings, how, pos, garbage, idem]) => {
    const text = JSON.stringify(readings);
    const at = pos % Math.max(1, text.length);
    let body: string | Uint8Array;
    let kind: string;
    switch (how) {
      case 0: body = text.slice(0, at); kind = 'truncated'; break;
      case 1: body = text + garbage; kind = 'trailing-garbage'; break;
      case 2: body = `\uFEFF${text}`; kind = 'bom'; break;
      case 3: {
        const bytes = enc.encode(text);
        const bad = new Uint8Array(bytes.length + 2);
        bad.set(bytes.subarray(0, at), 0);
        bad.set([0xff, 0xc3], at);
        bad.set(bytes.subarray(at), at + 2);
        body = bad; kind = 'invalid-utf8'; break;
      }
      case 4: body = `// comment\n${text}`; kind = 'comment'; break;
      case 5: body = text.replace(/"/g, "'"); kind = 'single-quotes'; break;
      case 6: body = ''; kind = 'empty'; break;
      case 7: body = '['.repeat(20_000) + ']'.repeat(20_000); kind = 'deep-array'; break;
      default: body = `[{"sensor_id":"fz-deep","timestamp":${MIN_TS + at},"value":1,"metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]`; kind = 'deep-metadata'; break;
    }
    return { kind: `ingest:${kind}`, method: 'POST', path: '/api/v1/data/ingest', headers: { ...JSON_TYPE, ...idem }, body };
  });

/** Valid-looking bodies under the wrong content type, or none. */
const ingestContentType: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.array(validReading, { minLength: 1, maxLength: 3 }),
    fc.constantFrom(
      null, 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=utf-16',
      'APPLICATION/JSON', 'application/json;;', 'application/vnd.api+json', '*/*', 'text/csv', 'application/x-ndjson', 'application/octet-stream', 'image/png',
    ),
  )
  .map(([readings, type]): FuzzCase => ({
    kind: `ingest:content-type:${type ?? 'none'}`,
    method: 'POST',
    path: '/api/v1/data/ingest',
    headers: type === null ? {} : { 'content-type': type },
    // A Uint8Array body makes fetch send no content type of its own.
    body: enc.encode(JSON.stringify(readings)),
  }));

const tsQueryValue = fc.oneof(
  validTs.map(String),
  invalidTs.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
  fc.constantFrom('2030-01-01T00:00:00Z', '1990-01-01T00:00:00Z', '2000-01-01T00:00:00+14:00'),
);

const cursorValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 1 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc
    .tuple(fc.constantFrom('a', 'd', 'x', 1), fc.oneof(fc.integer(), fc.double(), fc.constant(1e300)), fc.oneof(fc.integer(), fc.string({ maxLength: 3 })))
    .map((t) => Buffer.from(JSON.stringify(t)).toString('base64url')),
  fc.constantFrom('x'.repeat(201), '%00', '====', 'WyJhIiwxLDFd', 'WyJkIiwxLDFd'),
);

const queryPair = fc.oneof(
  fc.tuple(fc.constant('sensor_id'), fc.oneof(validSensorId, invalidSensorId.map(String), fc.constant('fz-0,fz-1, ,fz-2'), fc.constant('x,'.repeat(1001)))),
  fc.tuple(fc.constant('type'), fc.oneof(fc.constantFrom('temperature', 'Vibration', ''), junkString)),
  fc.tuple(fc.constant('asset_id'), fc.oneof(fc.constantFrom('pump-1', ''), junkString)),
  fc.tuple(fc.constantFrom('from', 'to'), tsQueryValue),
  fc.tuple(fc.constant('order'), fc.constantFrom('asc', 'desc', 'ASC', 'random', '')),
  fc.tuple(fc.constantFrom('limit', 'points'), fc.oneof(fc.constantFrom('-1', '0', '1', '10000', '10001', 'abc', '1e3', '1.5', ' 5', '0x10', '99999999999999999999', ''), fc.integer().map(String))),
  fc.tuple(fc.constant('cursor'), cursorValue),
  fc.tuple(fc.constantFrom('bom', 'junk', '__proto__', 'constructor', 'sensor_id[]', 'limit[0]', 'from[gt]', ''), junkString),
);

/** A query string from pairs, usually percent-encoded, sometimes raw (bad escapes reach the server's parser). */
const queryString = fc
  .tuple(fc.array(queryPair, { maxLength: 6 }), fc.nat(9))
  .map(([pairs, raw]) => {
    if (pairs.length === 0) return '';
    const put = raw === 0 ? (s: string) => s.replace(/[#\s]/g, '') : encode;
    return `?${pairs.map(([k, v]) => `${put(k)}=${put(v)}`).join('&')}`;
  });

const readingsGet: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.constantFrom('/api/v1/sensors/readings', '/api/v1/sensors/readings', '/api/v1/sensors/readings', '/api/v1/sensors/readings/export', '/api/v1/sensors'), queryString, fc.constantFrom('GET', 'GET', 'GET', 'HEAD'))
  .map(([path, q, method]) => ({ kind: `read:${path.split('/').pop()}`, method, path: path + q, headers: {} }));

const pathId = fc.oneof(
  validSensorId.map(encode),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encode),
  fc.constantFrom('a%2Fb', '%2F', '%00', 'a%00b', '%2e%2e', '..', '%E0%A4%A', '%ZZ', '%', 'x'.repeat(300), 'y'.repeat(129), '%F0%9F%92%A5', '%C0%AF', 'readings', 'a;b', 'a%20b'),
);

const seriesGet: fc.Arbitrary<FuzzCase> = fc
  .tuple(pathId, fc.constantFrom('/series', '/series', ''), queryString)
  .map(([id, suffix, q]) => ({ kind: suffix ? 'read:series' : 'read:sensor', method: 'GET', path: `/api/v1/sensors/${id}${suffix}${q}`, headers: {} }));

/** Methods that the routes do not take (and some they do), with or without a body. */
const wrongMethod: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    fc.constantFrom('/api/v1/data/ingest', '/api/v1/data/import', '/api/v1/sensors/readings', '/api/v1/sensors/fz-0/series', '/api/v1/sensors/readings/export', '/api/v1/sensors/fz-0'),
    fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  )
  .map(([method, path, body]) => {
    const canHaveBody = method !== 'GET' && method !== 'HEAD' && body !== undefined;
    return { kind: `method:${method}`, method, path, headers: canHaveBody ? JSON_TYPE : {}, ...(canHaveBody ? { body: JSON.stringify(body) } : {}) };
  });

/** Bulk import bodies: CSV and NDJSON with bad headers, cells, lines and query options. */
const importCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.array(anyItem, { maxLength: 30 }),
    fc.constantFrom('csv', 'ndjson'),
    fc.constantFrom('', '?dry_run=true', '?dry_run=maybe', '?delimiter=%3B', '?delimiter=x', '?sensor_id=bad%20id', '?assume_timezone=%2B02%3A00', '?assume_timezone=Mars',
      '?import_id=not-a-uuid', '?import_id=6f1c1f3e-8a0b-4c8e-9b8a-3f1e2d4c5b6a', '?sensor_type=temperature&unit=C'),
    fc.nat(5),
  )
  .map(([items, format, q, damage]) => {
    let body: string;
    if (format === 'csv') {
      const header = damage === 0 ? 'sensor_id,timestamp,value,bogus' : damage === 1 ? 'sensor_id,sensor_id,value' : 'sensor_id,timestamp,value,quality,unit';
      const cell = (v: unknown) => {
        const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
        return damage === 2 ? s : `"${s.replace(/"/g, '""')}"`;
      };
      const rows = items.map((it) => {
        const r = (it ?? {}) as Record<string, unknown>;
        return [r.sensor_id, r.timestamp, r.value, r.quality, r.unit].map(cell).join(damage === 3 ? ';' : ',');
      });
      body = [header, ...rows].join(damage === 4 ? '\r\n' : '\n');
    } else {
      const lines = items.map((it) => JSON.stringify(it) ?? 'undefined');
      if (damage === 0) lines.push('{"sensor_id":"fz-nd",', '[1,2,3]', 'null', '"x"');
      if (damage === 1) lines.push(`{"sensor_id":"fz-nd","timestamp":${MIN_TS},"value":1,"metadata":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      body = lines.join('\n');
    }
    return {
      kind: `import:${format}`,
      method: 'POST',
      path: `/api/v1/data/import${q}`,
      headers: { 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
      body,
    };
  });

/** The mix sent by the fuzz test; weights favour the ingest route. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 30, arbitrary: ingestJson },
  { weight: 4, arbitrary: ingestRawJson },
  { weight: 6, arbitrary: ingestMalformed },
  { weight: 4, arbitrary: ingestContentType },
  { weight: 22, arbitrary: readingsGet },
  { weight: 12, arbitrary: seriesGet },
  { weight: 6, arbitrary: wrongMethod },
  { weight: 4, arbitrary: importCase },
);

/** Batches over the 10,000-reading limit, and one exactly at it. */
export function bigCases(): FuzzCase[] {
  const batch = (n: number, sensor: string) =>
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ sensor_id: sensor, timestamp: MIN_TS + 1000 + i, value: i / 7 })));
  return [
    { kind: 'ingest:over-limit', method: 'POST', path: '/api/v1/data/ingest', headers: JSON_TYPE, body: batch(10_001, 'fz-big-a') },
    { kind: 'ingest:over-limit', method: 'POST', path: '/api/v1/data/ingest', headers: JSON_TYPE, body: `{"readings":${batch(12_345, 'fz-big-b')}}` },
    { kind: 'ingest:at-limit', method: 'POST', path: '/api/v1/data/ingest', headers: JSON_TYPE, body: batch(10_000, 'fz-big-c') },
    { kind: 'ingest:over-body-limit', method: 'POST', path: '/api/v1/data/ingest', headers: JSON_TYPE, body: `[${' '.repeat(33 * 1024 * 1024)}]` },
  ];
}
