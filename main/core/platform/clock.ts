/** The station's clock: UTC epoch milliseconds. Injected so tests can stand time still or move it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
