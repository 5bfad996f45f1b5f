import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors';
import type { Services } from '../services';

const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/** Canonical JSON: objects with sorted keys, so the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonical(input)).digest('hex');
}

/**
 * Idempotency-Key handling (as in Stripe's API): the first 2xx response for a
 * key is stored with a hash of the request, in the same transaction as the
 * writes it reports; the same key and body again replay it; the same key with
 * another body is refused with 409. Failed requests store nothing, so a
 * corrected retry may reuse the key.
 */
export class IdempotencyGuard {
  private readonly inFlight = new Set<string>();

  constructor(private readonly services: Services) {}

  async run(
    opts: { principalId: string; key: string; operation: string; input: unknown; status: number },
    reply: FastifyReply,
    execute: (recordResponse: (output: unknown) => void) => Promise<unknown>,
  ): Promise<unknown> {
    if (!KEY_RE.test(opts.key)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 printable ASCII characters', [
        { path: 'Idempotency-Key', field: 'Idempotency-Key', message: 'must be 1-200 printable ASCII characters' },
      ]);
    }
    const hash = requestHash(opts.operation, opts.input);
    const existing = this.services.idempotency.get(opts.principalId, opts.key);
    if (existing) {
      if (existing.operation !== opts.operation || existing.request_hash !== hash) {
        throw new AppError('idempotency_mismatch', `Idempotency-Key '${opts.key}' was already used with a different request; use a new key for a new request`);
      }
      void reply.header('idempotent-replayed', 'true').status(existing.status).type('application/json');
      return JSON.parse(existing.response) as unknown;
    }
    const slot = `${opts.principalId}\n${opts.key}`;
    if (this.inFlight.has(slot)) {
      throw new AppError('idempotency_in_progress', `a request with Idempotency-Key '${opts.key}' is still being processed; retry shortly`, undefined, { 'retry-after': '1' });
    }
    this.inFlight.add(slot);
    try {
      let recorded = false;
      const record = (output: unknown) => {
        this.services.idempotency.put(
          opts.principalId,
          opts.key,
          { operation: opts.operation, request_hash: hash, status: opts.status, response: JSON.stringify(output) },
          this.services.now(),
        );
        recorded = true;
      };
      const output = await execute(record);
      if (!recorded) record(output);
      return output;
    } finally {
      this.inFlight.delete(slot);
    }
  }
}
