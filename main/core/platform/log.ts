import pino, { type DestinationStream, type LogFn } from 'pino';

/**
 * The logging surface the core uses. Both a pino logger and Fastify's request
 * logger satisfy it, so handlers log through whichever carries the
 * correlation id.
 */
export interface Logger {
  level: string;
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LogOptions {
  level: string;
  destination?: DestinationStream;
}

/** Root logger; subsystems take `log.child({ sub: 'name' })`. */
export function createLogger(opts: LogOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'smc' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'key', 'token'], censor: '[redacted]' },
    },
    opts.destination,
  );
}
