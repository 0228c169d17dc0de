/** SWF durations are strings of whole seconds, or "NONE" for no limit. */

export const NONE = 'NONE';

/** One year: SWF caps every execution at this even when its timeout is NONE. */
export const MAX_EXECUTION_SECONDS = 365 * 24 * 3600;

/** Milliseconds of a duration, or undefined when it sets no limit. */
export function durationMs(value: string | undefined): number | undefined {
  if (value === undefined || value === NONE) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** SWF's taskPriority is an integer string in [-2147483648, 2147483647]; higher first. */
export function priorityOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 0;
}
