import { MIGRATIONS } from '../../main/core/app';
import { Outbox } from '../../main/core/backbone';
import { ModelRegistry as Registry, type ModelStage, type NewModelVersion } from '../../main/core/domains/models/registry';
import { openDatabase as open, type Db } from '../../main/core/platform/db';
import { WriteQueue, type StoredEvent } from '../../main/core/platform/write-queue';

export const openDatabase = (f: string) => open(f, { migrations: MIGRATIONS });

/** The registry with each write in a write job of its own, as the station runs them; the events they announce are collected. */
export type TestRegistry = Omit<Registry, 'register' | 'promote' | 'rollback'> & {
  register(v: NewModelVersion): ReturnType<Registry['register']>;
  promote(name: string, version: number, stage: ModelStage, actor: string | null): ReturnType<Registry['promote']>;
  rollback(name: string, actor: string | null): ReturnType<Registry['rollback']>;
  published: StoredEvent[];
};

export function registry(db: Db, now: () => number): TestRegistry {
  const published: StoredEvent[] = [];
  const r = new Registry(db, now);
  const w = new WriteQueue(db, now, new Outbox(db), { onEvents: (e) => published.push(...e) });
  const writes = {
    register: (v: NewModelVersion) => w.writeNow((tx) => r.register(tx, v)),
    promote: (name: string, version: number, stage: ModelStage, actor: string | null) => w.writeNow((tx) => r.promote(tx, name, version, stage, actor)),
    rollback: (name: string, actor: string | null) => w.writeNow((tx) => r.rollback(tx, name, actor)),
    published,
  };
  const own = (target: Registry, prop: string | symbol) => (Reflect.get(target, prop) as (...a: unknown[]) => unknown).bind(target);
  return new Proxy(r, { get: (target, prop) => (prop in writes ? writes[prop as keyof typeof writes] : own(target, prop)) }) as unknown as TestRegistry;
}

