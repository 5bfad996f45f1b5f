import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AppError } from '../platform/errors';
import type { Tx, WriteQueue } from '../platform/write-queue';
import type { IdempotencyStore } from './idempotency-store';

const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/**
 * Canonical JSON: objects with sorted keys, so the same body hashes the same
 * whatever its key order. Built with an explicit stack rather than recursion:
 * the hash is taken before validation, and a JSON body nested tens of
 * thousands of levels deep (which the parser accepts) overflowed the call
 * stack here and answered 500 instead of the validation error. The text
 * produced is the same as the recursive version's, so stored keys still match.
 */
function canonical(root: unknown): string {
  const out: string[] = [];
  // Work items: a value still to write, or literal text (punctuation, keys).
  const stack: Array<{ value: unknown } | string> = [{ value: root }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const value = item.value;
    if (Array.isArray(value)) {
      stack.push(']');
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] }, i > 0 ? ',' : '');
      stack.push('[');
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).sort();
      stack.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (value as Record<string, unknown>)[keys[i]!] }, `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`);
      }
      stack.push('{');
    } else {
      out.push(JSON.stringify(value) ?? 'null');
    }
  }
  return out.join('');
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

  constructor(private readonly store: IdempotencyStore, private readonly writer: WriteQueue) {}

  async run(
    opts: { principalId: string; key: string; operation: string; input: unknown; status: number },
    reply: FastifyReply,
    execute: (recordResponse: (tx: Tx, output: unknown) => void) => Promise<unknown>,
  ): Promise<unknown> {
    if (!KEY_RE.test(opts.key)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 printable ASCII characters', [
        { path: 'Idempotency-Key', field: 'Idempotency-Key', code: 'invalid', message: 'must be 1-200 printable ASCII characters' },
      ]);
    }
    const hash = requestHash(opts.operation, opts.input);
    const existing = this.store.get(opts.principalId, opts.key);
    if (existing) {
      if (existing.operation !== opts.operation || existing.request_hash !== hash) {
        throw new AppError('idempotency_mismatch', `Idempotency-Key '${opts.key}' was already used with a different request; use a new key for a new request`, { idempotency_key: opts.key });
      }
      void reply.header('idempotent-replayed', 'true').status(existing.status).type('application/json');
      return JSON.parse(existing.response) as unknown;
    }
    const slot = `${opts.principalId}\n${opts.key}`;
    if (this.inFlight.has(slot)) {
      throw new AppError('idempotency_in_progress', `a request with Idempotency-Key '${opts.key}' is still being processed; retry shortly`, { idempotency_key: opts.key }, { 'retry-after': '1' });
    }
    this.inFlight.add(slot);
    try {
      let recorded = false;
      const record = (tx: Tx, output: unknown) => {
        this.store.put(tx, opts.principalId, opts.key, { operation: opts.operation, request_hash: hash, status: opts.status, response: JSON.stringify(output) });
        recorded = true;
      };
      const output = await execute(record);
      if (!recorded) await this.writer.write((tx) => record(tx, output));
      return output;
    } finally {
      this.inFlight.delete(slot);
    }
  }
}
