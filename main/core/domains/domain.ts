import type { DomainContract } from '../../../contract';
import type { Consumer } from '../backbone';
import type { HandlersOf } from '../platform/operations';

/**
 * One domain of the station: the handlers of its contract's operations,
 * the consumers it runs on the event backbone, and what it does at start
 * and stop. Its repositories and migrations stay inside its folder; other
 * domains see only what its index exports.
 */
export interface DomainModule<C extends DomainContract = DomainContract> {
  contract: C;
  handlers: HandlersOf<C>;
  consumers?: readonly Consumer[];
  /** After the database is open and before the API listens. */
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/** The contract comes first so that the handlers are typed from it. */
export function defineDomain<C extends DomainContract>(contract: C, parts: NoInfer<Omit<DomainModule<C>, 'contract'>>): DomainModule<C> {
  return { contract, ...parts };
}
