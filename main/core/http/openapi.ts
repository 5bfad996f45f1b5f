import { z } from 'zod';
import type { Operation } from '../../../contract';
import { ErrorBody } from '../../../contract/errors';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function pickProperties(json: JsonSchema, keep: (name: string) => boolean): JsonSchema {
  const properties = Object.fromEntries(Object.entries(json.properties ?? {}).filter(([k]) => keep(k)));
  const required = (json.required ?? []).filter((k) => keep(k));
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/**
 * Route schema for the OpenAPI document, derived from the contract. Fastify
 * does not validate with it (zod does, with field-level messages); it only
 * documents the route.
 */
export function routeSchema(op: Operation, path: string = op.http!.path, alias = 0): Record<string, unknown> {
  const http = op.http!;
  const input = toJson(op.input, 'input');
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const isPath = (k: string) => pathParams.includes(k);
  const schema: Record<string, unknown> = alias
    ? { summary: `${op.summary} (former path of the replaced system; use ${http.path})`, tags: [op.tag], operationId: `${op.name}.alias${alias}`, deprecated: true }
    : { summary: op.summary, tags: [op.tag], operationId: op.name };
  if (pathParams.length > 0) schema.params = pickProperties(input, isPath);
  const bodyless = http.method === 'GET' || http.method === 'DELETE' || http.streamBody !== undefined;
  if (bodyless) {
    const query = pickProperties(input, (k) => !isPath(k));
    if (Object.keys(query.properties ?? {}).length > 0) schema.querystring = query;
    if (http.streamBody) {
      schema.consumes = [...http.streamBody];
      schema.body = { type: 'string', description: 'file content, streamed' };
    }
  } else {
    const inQuery = (k: string) => http.query?.includes(k) ?? false;
    if (http.query?.length) schema.querystring = pickProperties(input, inQuery);
    schema.body = http.bodyDoc ? toJson(http.bodyDoc, 'input') : pickProperties(input, (k) => !isPath(k) && !inQuery(k));
  }
  const ok = http.produces
    ? { description: `${http.produces} stream`, content: { [http.produces]: { schema: { type: 'string' } } } }
    : toJson(op.output, 'output');
  const error = toJson(ErrorBody, 'output');
  schema.response = {
    [http.status ?? 200]: ok,
    ...(op.access === 'public' ? {} : { 401: error, 403: error, 429: error }),
    '4XX': error,
  };
  if (op.access !== 'public') schema.security = [{ apiKey: [] }, { bearer: [] }];
  return schema;
}
