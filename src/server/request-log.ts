/**
 * One log line and the request metrics per HTTP request, taken at the one point where the
 * front has answered (or the client left). The front fills a RequestEntry as it learns
 * things (operation, domain, outcome); the authenticated caller is read from the request's
 * context, where authentication puts it.
 *
 * Never logged: the body, the result, headers (Authorization, security tokens), task tokens.
 * The domain is logged because operators search by it; it is not a metric label.
 */
import type { RequestContext } from '../api/context.js';
import type { OperationName } from '../model/tables.js';
import type { Logger } from '../log.js';
import type { Metrics } from './metrics.js';

export interface RequestEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly client: string | undefined;
  /** The X-Amz-Target header as sent (cut short), for the debug line at arrival. */
  readonly target?: string;
  /** process.hrtime.bigint() when the request's headers arrived. */
  readonly startedAt: bigint;
  /** The SWF operation, once the target resolved. */
  operation?: OperationName;
  domain?: string;
  /** 'ok', the fault name, or 'client-gone' when the client left before its answer. */
  outcome?: string;
  /** Set once the call reaches its handler; carries the caller when authentication is on. */
  context?: RequestContext;
}

/** What the front tells about each request, at its start and at its end. */
export interface RequestObserver {
  started(entry: RequestEntry): void;
  finished(entry: RequestEntry, status: number): void;
}

/** Paths probed every few seconds by orchestrators and scrapers: logged at debug only. */
const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

const POLLS: Partial<Record<OperationName, string>> = { PollForDecisionTask: 'decision', PollForActivityTask: 'activity' };

export function requestObserver(parent: Logger, metrics: Metrics | undefined): RequestObserver {
  // The request line is built here from fixed fields (ids, names, numbers: none of the
  // redacted ones), so it skips the redaction pass, which cost more than the line's write.
  const log = parent.child({}, { redact: [] });
  const series = metrics !== undefined ? new RequestSeries(metrics) : undefined;
  return {
    started(entry) {
      if (log.isLevelEnabled('debug')) log.debug({ requestId: entry.requestId, method: entry.method, path: entry.path, target: entry.target, client: entry.client }, 'request received');
    },
    finished(entry, status) {
      const seconds = Number(process.hrtime.bigint() - entry.startedAt) / 1e9;
      const outcome = entry.outcome ?? (status < 400 ? 'ok' : `http-${status}`);
      if (entry.operation !== undefined && series !== undefined) series.observe(entry.operation, outcome, seconds);
      const caller = entry.context?.caller;
      const line = {
        requestId: entry.requestId,
        ...(entry.operation !== undefined ? { operation: entry.operation } : { method: entry.method, path: entry.path }),
        ...(entry.domain !== undefined ? { domain: entry.domain } : {}),
        outcome,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(caller !== undefined ? { caller: caller.name } : {}),
        ...(entry.client !== undefined ? { client: entry.client } : {}),
      };
      if (entry.operation === undefined && PROBE_PATHS.has(entry.path)) log.debug(line, 'request');
      else if (status >= 500) log.warn(line, 'request');
      else log.info(line, 'request');
    },
  };
}

/**
 * The request metrics' labelled series, looked up once per label set and kept: prom-client
 * otherwise hashes the labels object on every observation. The label sets are bounded
 * (operations × outcomes), so the maps are too.
 */
class RequestSeries {
  private readonly counts = new Map<string, { inc(): void }>();
  private readonly durations = new Map<OperationName, { observe(value: number): void }>();
  private readonly pollWaits = new Map<string, { observe(value: number): void }>();

  constructor(private readonly metrics: Metrics) {}

  observe(operation: OperationName, outcome: string, seconds: number): void {
    const key = `${operation} ${outcome}`;
    let count = this.counts.get(key);
    if (count === undefined) {
      count = this.metrics.requests.labels({ operation, outcome });
      this.counts.set(key, count);
    }
    count.inc();
    let duration = this.durations.get(operation);
    if (duration === undefined) {
      duration = this.metrics.requestDuration.labels({ operation });
      this.durations.set(operation, duration);
    }
    duration.observe(seconds);
    const kind = POLLS[operation];
    if (kind !== undefined && outcome === 'ok') {
      let wait = this.pollWaits.get(kind);
      if (wait === undefined) {
        wait = this.metrics.pollWait.labels({ kind });
        this.pollWaits.set(kind, wait);
      }
      wait.observe(seconds);
    }
  }
}
