/**
 * Prometheus metrics (prom-client), served at GET /metrics. docs/operations.md lists each
 * with its meaning and a sample query.
 *
 * Every label set is bounded: operations and fault names are fixed lists, task kinds are two,
 * and domains are capped by the domain quota. Task lists, workflow ids and callers are
 * unbounded, so they are never labels (they are in the request log instead).
 *
 * Each App has its own registry, so several servers in one process (tests, benchmarks)
 * do not add into one another's counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types.js';
import { bindMethods } from '../store/bind-methods.js';

/** Seconds: from a cached read (sub-millisecond) to a long poll held its full minute. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 70];
const POLL_BUCKETS = [0.005, 0.05, 0.25, 1, 5, 10, 20, 30, 45, 60, 70];
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300];
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'openswf_requests_total',
    help: 'SWF API calls answered, by operation and outcome (ok or the fault name)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'openswf_request_duration_seconds',
    help: 'Time from receiving an SWF API call to answering it (long polls included)',
    labelNames: ['operation'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  readonly openExecutions = new Gauge({
    name: 'openswf_open_executions',
    help: 'Workflow executions open now, by domain',
    labelNames: ['domain'] as const,
    registers: [this.registry],
  });
  readonly pendingTasks = new Gauge({
    name: 'openswf_pending_tasks',
    help: 'Tasks scheduled and not yet handed to a poller, by domain and kind (decision or activity)',
    labelNames: ['domain', 'kind'] as const,
    registers: [this.registry],
  });
  readonly pollWait = new Histogram({
    name: 'openswf_poll_wait_seconds',
    help: 'How long a long poll was held before it got a task or answered empty, by kind',
    labelNames: ['kind'] as const,
    buckets: POLL_BUCKETS,
    registers: [this.registry],
  });
  readonly timerLateness = new Histogram({
    name: 'openswf_timer_lateness_seconds',
    help: 'How long after its due time a deadline (timer, timeout, retention) fired',
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  readonly storeCommit = new Histogram({
    name: 'openswf_store_commit_seconds',
    help: 'Duration of a store transaction, from its start to its durable commit',
    buckets: COMMIT_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text exposition, with the store-backed gauges read from `store` now. */
  async render(store: Pick<Store, 'listDomains' | 'countsByDomain'>): Promise<string> {
    const [domains, counts] = await Promise.all([store.listDomains(), store.countsByDomain()]);
    // Reset first: a domain whose last run closed must read 0, not keep its old value.
    this.openExecutions.reset();
    this.pendingTasks.reset();
    for (const d of domains) {
      this.openExecutions.set({ domain: d.name }, 0);
      this.pendingTasks.set({ domain: d.name, kind: 'decision' }, 0);
      this.pendingTasks.set({ domain: d.name, kind: 'activity' }, 0);
    }
    for (const c of counts) {
      this.openExecutions.set({ domain: c.domain }, c.openExecutions);
      this.pendingTasks.set({ domain: c.domain, kind: 'decision' }, c.pendingDecisionTasks);
      this.pendingTasks.set({ domain: c.domain, kind: 'activity' }, c.pendingActivityTasks);
    }
    return this.registry.metrics();
  }

  /** The same store, whose transactions are timed into openswf_store_commit_seconds. */
  timed(store: Store): Store {
    const histogram = this.storeCommit;
    const transaction: Store['transaction'] = async (fn) => {
      const end = histogram.startTimer();
      const result = await store.transaction(fn);
      end(); // only transactions that committed: a failed one measured nothing durable
      return result;
    };
    return bindMethods(store, { transaction });
  }
}
