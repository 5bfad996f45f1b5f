import { AppError } from '../../platform/errors';

export interface Cursor {
  order: 'asc' | 'desc';
  ts: number;
  sensorKey: number;
}

// Opaque to clients; carries the order it was issued for so that a cursor
// from a descending listing is not silently misread by an ascending one.

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.order === 'asc' ? 'a' : 'd', c.ts, c.sensorKey])).toString('base64url');
}

export function decodeCursor(text: string, order: 'asc' | 'desc'): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) || parsed.length !== 3 || (parsed[0] !== 'a' && parsed[0] !== 'd') ||
    !Number.isSafeInteger(parsed[1]) || !Number.isSafeInteger(parsed[2])
  ) {
    throw new AppError('validation_failed', 'cursor is not valid; pass next_cursor from a previous page unchanged', [
      { path: 'cursor', field: 'cursor', message: 'cursor is not valid' },
    ]);
  }
  const cursorOrder = parsed[0] === 'a' ? 'asc' : 'desc';
  if (cursorOrder !== order) {
    throw new AppError('validation_failed', `cursor was issued for order=${cursorOrder}, not order=${order}`, [
      { path: 'cursor', field: 'cursor', message: `cursor was issued for order=${cursorOrder}` },
    ]);
  }
  return { order, ts: parsed[1] as number, sensorKey: parsed[2] as number };
}
