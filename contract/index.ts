import type { z } from 'zod';
import { auditContract } from './audit';
import { authContract } from './auth';
import { eventsContract } from './events';
import { importsContract } from './imports';
import { modelsContract } from './models';
import { readingsContract } from './readings';
import { sensorsContract } from './sensors';
import { systemContract } from './system';
import type { EventDef, Operation } from './operation';

export * from './operation';

/**
 * Every domain's contract. The operation and event registries below are
 * derived from these: adding an operation or an event touches only its
 * domain's contract file (and a new domain adds one line here).
 */
export const contracts = [systemContract, authContract, auditContract, sensorsContract, readingsContract, importsContract, modelsContract, eventsContract] as const;

type AllOperations = (typeof contracts)[number]['operations'][number];
type AllEvents = (typeof contracts)[number]['events'][number];

export type Operations = { [O in AllOperations as O['name']]: O };
export type OperationName = keyof Operations;
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = z.output<Operations[N]['output']>;

export type Events = { [E in AllEvents as E['type']]: E };
export type EventType = keyof Events;
export type EventPayload<T extends EventType> = z.output<Events[T]['payload']>;

function index<T, K extends string>(items: readonly T[], key: (t: T) => K, what: string): Record<K, T> {
  const out = {} as Record<K, T>;
  for (const item of items) {
    const k = key(item);
    if (Object.hasOwn(out, k)) throw new Error(`the contract declares ${what} '${k}' twice`);
    out[k] = item;
  }
  return out;
}

export const operations = index(contracts.flatMap((c) => c.operations as readonly Operation[]), (o) => o.name, 'operation') as unknown as Operations;
export const events = index(contracts.flatMap((c) => c.events as readonly EventDef[]), (e) => e.type, 'event type') as unknown as Events;

export const operationNames: ReadonlySet<string> = new Set(Object.keys(operations));
export const eventTypes: ReadonlySet<string> = new Set(Object.keys(events));

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && operationNames.has(name);
}

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && eventTypes.has(type);
}

export function getOperation(name: OperationName): Operation {
  return operations[name] as unknown as Operation;
}

export function getEvent(type: EventType): EventDef {
  return events[type] as unknown as EventDef;
}
