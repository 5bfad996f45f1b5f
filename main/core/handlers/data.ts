import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { runImport } from '../ingest/run-import';
import { storeReadings } from '../ingest/store-readings';
import { distinctReadings, validateReadings } from '../ingest/validate-readings';
import type { HandlerMap } from './context';
import { importToWire } from './wire';

export const dataHandlers: HandlerMap<'data.ingest' | 'data.import' | 'data.imports' | 'data.importStatus'> = {
  'data.ingest': async (input, ctx) => {
    const { services } = ctx;
    const now = services.now();
    const { valid, issues } = validateReadings(input.readings, now);
    if (!input.partial && issues.length > 0) {
      services.metrics.ingestRequests.inc({ outcome: 'rejected' });
      services.metrics.countIngest({ stored: 0, duplicates: 0, conflicts: 0, rejected: input.readings.length });
      throw new AppError(
        'validation_failed',
        `${distinctReadings(issues)} of ${input.readings.length} reading(s) are invalid; nothing was stored (send ?partial=true to store the valid ones)`,
        issues,
      );
    }
    try {
      const result = await services.queue.submit(() => {
        const outcome = valid.length > 0 ? storeReadings(services, valid, input.partial ? 'partial' : 'atomic', now) : undefined;
        const output = {
          received: input.readings.length,
          stored: outcome?.stored ?? 0,
          duplicates: outcome?.duplicates ?? 0,
          conflicts: outcome?.conflicts ?? [],
          rejected: [...issues, ...(outcome?.rejected ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)),
          sensors_registered: outcome?.sensorsRegistered ?? [],
          correlation_id: ctx.correlationId,
        };
        ctx.recordResponse?.(output);
        return output;
      });
      services.metrics.ingestRequests.inc({ outcome: 'ok' });
      // Live readings are scored against their asset's anomaly model once durable.
      if (result.stored > 0) services.ml.online?.observe(valid.map((v) => v.reading));
      services.metrics.countIngest({
        stored: result.stored,
        duplicates: result.duplicates,
        conflicts: result.conflicts.length,
        rejected: distinctReadings(result.rejected),
      });
      return result;
    } catch (err) {
      services.metrics.ingestRequests.inc({ outcome: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
  },

  'data.import': async (input, ctx) => {
    if (!ctx.body || !ctx.bodyFormat) throw new AppError('unsupported_media_type', 'send the file as text/csv or application/x-ndjson');
    const defaults: Record<string, string> = {};
    for (const k of ['sensor_id', 'sensor_type', 'unit', 'asset_id'] as const) {
      const v = input[k];
      if (v !== undefined) defaults[k] = v;
    }
    return runImport(
      ctx.services,
      ctx.body,
      {
        importId: input.import_id ?? randomUUID(),
        format: ctx.bodyFormat,
        delimiter: input.delimiter,
        dryRun: input.dry_run,
        defaults,
        ...(input.assume_timezone ? { assumeTimezone: input.assume_timezone } : {}),
        principalId: ctx.principal?.keyId ?? null,
        correlationId: ctx.correlationId,
      },
      ctx.log.child({ sub: 'import' }),
    );
  },

  'data.imports': (_input, { services }) => ({ imports: services.imports.list().map(importToWire) }),

  'data.importStatus': (input, { services }) => {
    const row = services.imports.get(input.id);
    if (!row) throw new AppError('not_found', `no import with id '${input.id}'`, { path: 'id' });
    return importToWire(row);
  },
};
