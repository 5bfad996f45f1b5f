import type { Handlers } from './context';
import { adminHandlers } from './admin';
import { dataHandlers } from './data';
import { mlHandlers } from './ml';
import { sensorHandlers } from './sensors';

/** One handler per contract operation; the type fails to check if one is missing. */
export const handlers: Handlers = { ...adminHandlers, ...dataHandlers, ...sensorHandlers, ...mlHandlers };
