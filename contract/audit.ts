import { z } from 'zod';
import { defineContract, defineOperation } from './operation';
import { IsoTime, queryInt } from './common';

export const AuditEntryWire = z.object({
  id: z.string(),
  at: IsoTime,
  /** Key or session id of whoever acted; null for the station itself. */
  actor_id: z.string().nullable(),
  /** Key or session name, `desktop`, `cli` or `system`. */
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown().nullable(),
  correlation_id: z.string().nullable(),
});

export const listAudit = defineOperation({
  name: 'audit.list',
  summary: 'Administrative actions, newest first.',
  tag: 'admin',
  access: 'admin',
  input: z.object({ limit: queryInt(1, 1000).default(100) }).strict(),
  output: z.object({ entries: z.array(AuditEntryWire) }),
  http: { method: 'GET', path: '/api/v1/admin/audit' },
});

export const auditContract = defineContract({ domain: 'audit', operations: [listAudit], events: [] });
