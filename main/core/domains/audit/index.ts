import { auditContract } from '../../../../contract/audit';
import { toIso } from '../../../../contract/timestamp';
import type { Db } from '../../platform/db';
import { actorOf, type Principal } from '../../platform/operations';
import type { Tx } from '../../platform/write-queue';
import { defineDomain } from '../domain';
import { auditActor } from './migrations/0005-audit-actor';
import { AuditRepo } from './repository';

export const auditMigrations = [auditActor];

/** What other domains use to record an action in their own transaction. */
export interface AuditLog {
  record(tx: Tx, principal: Principal | null, action: string, target?: string | null, details?: unknown): void;
}

export function createAuditDomain(db: Db) {
  const repo = new AuditRepo(db);
  const log: AuditLog = {
    record: (tx, principal, action, target = null, details) => repo.append(tx, { ...actorOf(principal), action, target, details }),
  };
  const module = defineDomain(auditContract, {
    handlers: {
      'audit.list': (input) => ({ entries: repo.list(input.limit).map((e) => ({ ...e, at: toIso(e.at) })) }),
    },
  });
  return { module, log };
}
