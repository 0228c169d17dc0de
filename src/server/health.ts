/**
 * Liveness and readiness. /health says the process answers; /ready says the store answers a
 * query too, and that the server is not shutting down.
 *
 * A store failure is logged once per episode, not once per request that meets it: the
 * first call (or probe) that finds it logs it with its cause, later ones count into the
 * request log's InternalFailure lines only, and a probe that succeeds again ends the episode.
 * Corruption found at run time never ends by itself: /ready stays 503 until a restart.
 */
import { errorField, type Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { storeUnavailableReason } from '../store/errors.js';

/** A probe longer than this counts as a failure (a PostgreSQL that accepts and never answers). */
const PROBE_TIMEOUT_MS = 2_000;

const CORRUPTION = /SQLITE_CORRUPT|SQLITE_NOTADB|XX001|XX002/;

export type Readiness = { ready: true } | { ready: false; reason: string };

export class Health {
  /** The store failure of the episode in progress, if any. */
  private failure: string | undefined;
  private corrupt = false;
  private draining = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** From now on /ready answers 503: the server is shutting down. */
  drain(): void {
    this.draining = true;
  }

  /**
   * A call failed with `err`. Answers true when it was the store failing as a whole (noted,
   * and logged if it is the first of its episode), false for any other error.
   */
  noteError(err: unknown): boolean {
    const reason = storeUnavailableReason(err);
    if (reason === undefined) return false;
    if (CORRUPTION.test(reason)) this.corrupt = true;
    if (this.failure === undefined) {
      this.failure = reason;
      this.log.error({ reason, err: errorField(err) }, `store failed: ${reason}; /ready answers 503 until it answers again`);
    }
    return true;
  }

  async check(): Promise<Readiness> {
    if (this.draining) return { ready: false, reason: 'shutting down' };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`the store did not answer within ${PROBE_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })), PROBE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      if (!this.noteError(err)) {
        const reason = err instanceof Error ? err.message : String(err);
        if (this.failure === undefined) this.log.error({ reason, err: errorField(err) }, `store failed: ${reason}`);
        this.failure ??= reason;
      }
      return { ready: false, reason: this.failure ?? 'store failed' };
    } finally {
      clearTimeout(timer);
    }
    if (this.corrupt) return { ready: false, reason: this.failure ?? 'the database is corrupt' };
    if (this.failure !== undefined) {
      this.log.info({ previous: this.failure }, 'store answers again');
      this.failure = undefined;
    }
    return { ready: true };
  }
}
