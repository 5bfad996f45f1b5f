import { describe, expect, it } from 'vitest';
import { ApiError, errorFromBody, errorFromBridge } from '../../renderer/api/api-error';
import { buildHttpRequest, contentTypeOf, toQueryString } from '../../renderer/api/http-mapping';

const parse = (url: string) => new URL(url, 'http://station');

describe('renderer client: HTTP mapping from the contract registry', () => {
  it('sends GET inputs as query parameters, arrays as repeated parameters', () => {
    const spec = buildHttpRequest('readings.list', {
      sensor_id: ['a', 'b c'],
      sensor_type: 'temperature',
      from: '2024-05-01T00:00:00.000Z',
      order: 'desc',
      limit: 50,
      cursor: undefined,
    });
    expect(spec.method).toBe('GET');
    expect(spec.body).toBeUndefined();
    const url = parse(spec.url);
    expect(url.pathname).toBe('/api/v1/readings');
    expect(url.searchParams.getAll('sensor_id')).toEqual(['a', 'b c']);
    expect(url.searchParams.get('sensor_type')).toBe('temperature');
    expect(url.searchParams.get('from')).toBe('2024-05-01T00:00:00.000Z');
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.has('cursor')).toBe(false);
  });

  it('substitutes and URI-encodes path parameters and leaves them out of the query', () => {
    const spec = buildHttpRequest('readings.series', { id: 'pump/1 #a', points: 640 });
    expect(spec.method).toBe('GET');
    expect(spec.url).toBe('/api/v1/sensors/pump%2F1%20%23a/series?points=640');
  });

  it('sends DELETE inputs in the path and query, never a body', () => {
    expect(buildHttpRequest('keys.revoke', { id: 'k1' })).toEqual({ method: 'DELETE', url: '/api/v1/admin/keys/k1' });
  });

  it('puts body-route fields in a JSON body except those the contract sends in the query', () => {
    const readings = [{ sensor_id: 's', timestamp: 1714567896000, value: 1 }];
    const spec = buildHttpRequest('data.ingest', { readings, partial: true });
    expect(spec).toEqual({ method: 'POST', url: '/api/v1/data/ingest?partial=true', body: { readings } });
  });

  it('sends the path parameter in the path and the rest in the body for PATCH', () => {
    const spec = buildHttpRequest('sensors.update', { id: 's.1', unit: 'C', expected_min: null });
    expect(spec).toEqual({ method: 'PATCH', url: '/api/v1/sensors/s.1', body: { unit: 'C', expected_min: null } });
  });

  it('sends every input of a streamed-body route in the query (the body is the file)', () => {
    const spec = buildHttpRequest('data.import', { import_id: '0b6c2a0e-0d7e-4d7e-9a59-2c1f7a0b4a11', dry_run: false, sensor_id: 'x', assume_timezone: '+02:00' });
    expect(spec.method).toBe('POST');
    expect(spec.body).toBeUndefined();
    const url = parse(spec.url);
    expect(url.pathname).toBe('/api/v1/data/import');
    expect(Object.fromEntries(url.searchParams)).toEqual({ import_id: '0b6c2a0e-0d7e-4d7e-9a59-2c1f7a0b4a11', dry_run: 'false', sensor_id: 'x', assume_timezone: '+02:00' });
  });

  it('sends an empty JSON object for body routes without fields, and nothing for empty GETs', () => {
    expect(buildHttpRequest('auth.signIn', { token: 't' })).toEqual({ method: 'POST', url: '/api/v1/auth/sign-in', body: { token: 't' } });
    expect(buildHttpRequest('auth.whoami', {})).toEqual({ method: 'GET', url: '/api/v1/auth/whoami' });
  });

  it('refuses a call missing its path parameter instead of requesting a wrong URL', () => {
    expect(() => buildHttpRequest('sensors.get', {} as never)).toThrow(ApiError);
  });

  it('leaves out undefined, null and empty values; serialises dates as ISO', () => {
    const qs = toQueryString({ a: undefined, b: null, c: '', d: 0, e: false, f: new Date(Date.UTC(2024, 0, 1)) });
    expect(qs).toBe('d=0&e=false&f=2024-01-01T00%3A00%3A00.000Z');
  });
});

describe('renderer client: errors', () => {
  it('reads the station error body, its details and correlation id', () => {
    const details = [{ path: 'readings.0.value', index: 0, field: 'value', code: 'not_a_number', message: 'Value must be a number.', detail: 'value must be a finite number, got string \'abc\'' }];
    const err = errorFromBody(422, { error: { code: 'validation_failed', message: 'bad', details }, correlation_id: 'c-1' });
    expect(err).toMatchObject({ status: 422, code: 'validation_failed', message: 'bad', correlationId: 'c-1' });
    expect(err.issues).toEqual(details);
  });

  it('finds issues nested in details.issues (a failed import)', () => {
    const err = errorFromBody(422, { error: { code: 'validation_failed', message: 'x', details: { issues: [{ path: 'body', message: 'm' }], summary: {} } } });
    expect(err.issues).toEqual([{ path: 'body', message: 'm' }]);
  });

  it('copes with a body that is not the station\'s (a proxy page)', () => {
    expect(errorFromBody(502, undefined, 'Bad Gateway')).toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });

  it('maps bridge rejections by code to the status HTTP would give', () => {
    expect(errorFromBridge({ code: 'forbidden', message: 'no' })).toMatchObject({ status: 403, code: 'forbidden' });
    expect(errorFromBridge(new Error('boom'))).toMatchObject({ status: 500, code: 'internal', message: 'boom' });
  });

  it('picks the upload content type from the file name', () => {
    expect(contentTypeOf({ name: 'a.CSV', type: '' })).toBe('text/csv');
    expect(contentTypeOf({ name: 'a.ndjson', type: '' })).toBe('application/x-ndjson');
    expect(contentTypeOf({ name: 'a.jsonl', type: '' })).toBe('application/x-ndjson');
  });
});
