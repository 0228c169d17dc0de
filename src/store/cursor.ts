/** Opaque page positions: base64url JSON, so clients cannot depend on their form. */
import { InvalidCursor } from './types.js';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Event ids are positive 32-bit integers (the stores' event_id columns); 0 means "before the first". */
export const isEventId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1;

export function decodeCursor<T>(token: string, isValid: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    // fall through
  }
  throw new InvalidCursor();
}
