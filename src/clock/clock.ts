/**
 * The server's sense of time. Everything that needs "now" gets it from a Clock, so tests and
 * users can run on a virtual clock that moves only when told.
 */
export interface Clock {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the epoch. */
  now(): number;
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  now(): number {
    return Date.now();
  }
}

/** Starts at the real now (or a given instant) and moves only through `set`. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  constructor(start: number = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  /** Moves time forward to `instant`; time never goes back. */
  set(instant: number): void {
    if (instant > this.current) this.current = instant;
  }
}
