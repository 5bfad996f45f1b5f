import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors';
import { SlotRegistry } from './slot-registry';

// What one request may cost the station, whoever sends it.
// - Bodies in flight: fastify buffers a JSON body whole and parses it, so
//   twenty 21 MB ingests at once would hold gigabytes. JSON bodies reserve
//   their size from a shared budget (from Content-Length, or as they
//   arrive); past it a request is refused with 503 and Retry-After, rather
//   than the process swelling. Streamed imports are read in chunks and do
//   not count.
// - Slow bodies: a body trickled a byte at a time would hold a socket and
//   its buffers for as long as the sender likes; below a minimum average
//   rate, after a grace period, the request is ended with 408.

export interface LimitOptions {
  /** Bytes of JSON request bodies held at once, across all requests. */
  inFlightBodyBytes: number;
  /** Average bytes per second a body must keep up after `slowBodyGraceMs`. */
  minBodyBytesPerSecond: number;
  slowBodyGraceMs: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
  inFlightBodyBytes: 96 * 1024 * 1024,
  minBodyBytesPerSecond: 1024,
  slowBodyGraceMs: 30_000,
};

declare module 'fastify' {
  interface FastifyRequest {
    reservedBodyBytes: number;
    watchedBody: unknown;
  }
}

interface Watched {
  started: number;
  received: number;
  fail: (err: AppError) => void;
  /** For a small body: whether it has all arrived (asked by the sweep, so no listener per request). */
  complete?: () => boolean;
  /** Its place in the registry of watched bodies. */
  slot: number;
}

export function installLimits(app: FastifyInstance, streamedTypes: readonly string[], o: LimitOptions): { inFlight: () => number; close: () => void } {
  let inFlight = 0;
  const release = (req: FastifyRequest) => {
    inFlight -= req.reservedBodyBytes;
    req.reservedBodyBytes = 0;
  };
  const reserve = (req: FastifyRequest, n: number): boolean => {
    if (inFlight + n > o.inFlightBodyBytes && inFlight > 0) return false;
    inFlight += n;
    req.reservedBodyBytes += n;
    return true;
  };
  const busy = () => new AppError('unavailable', 'the station is receiving other large requests; retry in a moment', { reason: 'body_budget' }, { 'retry-after': '1' });

  // One timer for every body being received, rather than one per request;
  // the bodies in slots, not a Set (see slot-registry.ts: a Set here made
  // every minor collection keep finished requests alive).
  const watched = new SlotRegistry<Watched>();
  const watch = (w: Watched) => {
    w.slot = watched.add(w);
  };
  const unwatch = (w: Watched) => watched.remove(w.slot, w);
  const sweep = setInterval(() => {
    const now = Date.now();
    watched.forEach((w) => {
      if (w.complete?.()) {
        unwatch(w);
        return;
      }
      const elapsed = now - w.started;
      if (elapsed >= o.slowBodyGraceMs && w.received / (elapsed / 1000) < o.minBodyBytesPerSecond) {
        unwatch(w);
        w.fail(new AppError('request_timeout', `the request body arrived too slowly (${w.received} bytes in ${Math.round(elapsed / 1000)} s); send it at once`, { received_bytes: w.received, min_bytes_per_s: o.minBodyBytesPerSecond }));
      }
    });
  }, Math.max(50, Math.min(1000, o.slowBodyGraceMs / 4)));
  sweep.unref();

  app.decorateRequest('reservedBodyBytes', 0);
  app.decorateRequest('watchedBody', null);
  // Callback form: this runs on every request with a body, and an async hook costs a promise each time.
  app.addHook('preParsing', (req, _reply, payload, next) => {
    try {
      next(null, watchBody(req, payload));
    } catch (err) {
      next(err as Error);
    }
  });
  const watchBody = (req: FastifyRequest, payload: Readable): Readable => {
    const declared = Number(req.headers['content-length']);
    // No body coming: nothing to count or watch.
    if (!(declared > 0) && req.headers['transfer-encoding'] === undefined) return payload;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const streamed = streamedTypes.includes(type);
    if (!streamed && Number.isFinite(declared) && declared > 0 && !reserve(req, declared)) throw busy();
    // A small body of known size (one reading, a form): watched by the clock alone, with no stream
    // in between — it is late when it is not all there by the end of the grace period.
    if (!streamed && declared > 0 && declared <= o.minBodyBytesPerSecond * o.slowBodyGraceMs / 1000) {
      const w: Watched = { started: Date.now(), received: 0, fail: (err) => req.raw.destroy(err), complete: () => req.raw.complete, slot: -1 };
      watch(w);
      req.watchedBody = w;
      return payload;
    }
    const w: Watched = { started: Date.now(), received: 0, fail: () => undefined, slot: -1 };
    const guard = new Transform({
      transform(chunk: Buffer, _enc, done) {
        w.received += chunk.length;
        if (!streamed && !(declared > 0) && !reserve(req, chunk.length)) return done(busy());
        done(null, chunk);
      },
    });
    w.fail = (err) => {
      guard.destroy(err);
      req.raw.destroy(err);
    };
    watch(w);
    req.watchedBody = w;
    const done = () => unwatch(w);
    guard.once('end', done);
    guard.once('close', done);
    payload.once('end', done);
    payload.once('error', (err) => guard.destroy(err));
    return payload.pipe(guard);
  };
  const finished = (req: FastifyRequest) => {
    release(req);
    if (req.watchedBody) unwatch(req.watchedBody as Watched);
  };
  app.addHook('onResponse', (req, _reply, done) => {
    finished(req);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    finished(req);
    done();
  });
  return { inFlight: () => inFlight, close: () => clearInterval(sweep) };
}
