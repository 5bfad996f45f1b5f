import { importsContract } from '../../../../contract/imports';
import { hasAccess } from '../../../../contract';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Logger } from '../../platform/log';
import type { StationMetrics } from '../../platform/metrics';
import type { Principal } from '../../platform/operations';
import type { WriteQueue } from '../../platform/write-queue';
import { defineDomain } from '../domain';
import type { ReadingsApi } from '../readings';
import { ImportsRepo } from './repository';
import { runImport } from './run-import';
import { importToWire } from './wire';

/** Whose imports these are: the key behind a session counts, so signing in again shows the same imports. */
function ownerOf(p: Principal | null): string | null {
  return p ? (p.keyId ?? p.id) : null;
}

export function createImportsDomain(deps: { db: Db; writer: WriteQueue; clock: Clock; metrics: StationMetrics; log: Logger; readings: ReadingsApi; requireFreeDisk: (refused?: string) => void }) {
  const imports = new ImportsRepo(deps.db);
  const importDeps = { writer: deps.writer, clock: deps.clock, metrics: deps.metrics, readings: deps.readings, imports, requireFreeDisk: deps.requireFreeDisk };

  return defineDomain(importsContract, {
    start() {
      const interrupted = deps.writer.writeNow((tx) => imports.markInterrupted(tx));
      if (interrupted > 0) deps.log.warn({ interrupted }, 'imports left running by the previous process were marked interrupted');
    },
    handlers: {
      'data.import': async (input, ctx) => {
        // Refused before the import is recorded or its body read: a 507 leaves no trace.
        deps.requireFreeDisk();
        if (!ctx.body || !ctx.bodyFormat) throw new AppError('unsupported_media_type', 'send the file as text/csv or application/x-ndjson', { accepted: ['text/csv', 'application/x-ndjson'] });
        const defaults: Record<string, string> = {};
        for (const k of ['sensor_id', 'sensor_type', 'unit', 'asset_id'] as const) {
          const v = input[k];
          if (v !== undefined) defaults[k] = v;
        }
        return runImport(
          importDeps,
          ctx.body,
          {
            importId: input.import_id ?? newId(),
            format: ctx.bodyFormat,
            delimiter: input.delimiter,
            dryRun: input.dry_run,
            defaults,
            ...(input.assume_timezone ? { assumeTimezone: input.assume_timezone } : {}),
            principalId: ownerOf(ctx.principal),
            correlationId: ctx.correlationId,
          },
          ctx.log.child({ sub: 'import' }),
        );
      },

      'data.imports': (_input, ctx) => {
        const admin = ctx.principal !== null && hasAccess(ctx.principal.scopes, 'admin');
        return { imports: imports.list(admin ? null : (ownerOf(ctx.principal) ?? '')).map(importToWire) };
      },

      'data.importStatus': (input, ctx) => {
        const row = imports.get(input.id);
        const admin = ctx.principal !== null && hasAccess(ctx.principal.scopes, 'admin');
        // Someone else's import is as good as absent: ids are not a way to read others' work.
        if (!row || (!admin && row.principal_id !== ownerOf(ctx.principal))) throw new AppError('not_found', `no import with id '${input.id}'`, { id: input.id });
        return importToWire(row);
      },
    },
  });
}
