/**
 * Runs Lambda tasks by calling the operator's HTTP endpoints (config.ts). For each task:
 *
 * 1. After the decision that scheduled it commits, one transaction records
 *    LambdaFunctionStarted and arms the start-to-close deadline. Only the node whose
 *    transaction records the start makes the call, so a task is called at most once.
 * 2. POST the task's input to the endpoint.
 * 3. Another transaction records the answer: LambdaFunctionCompleted {result} for a 2xx,
 *    LambdaFunctionFailed {reason, details} otherwise. An answer that comes after the
 *    deadline fired (LambdaFunctionTimedOut, see engine/timeouts.ts) finds the task gone and
 *    changes nothing.
 *
 * Restarts: a task that was scheduled but not started (the process died between the two
 * transactions) is started by `resume()` when the server starts; nothing was called yet, so
 * this cannot run a function twice. A task that was started is NOT called again: whether the
 * function ran is unknown, so its durable deadline fires LambdaFunctionTimedOut and the
 * decider chooses whether to retry, as it does for an activity whose worker died.
 */
import type { Executor } from '../executor/executor.js';
import type { Store } from '../store/types.js';
import {
  completeLambda,
  durationMs,
  failLambda,
  findLambdaByScheduledId,
  isOpen,
  lambdaStartFailed,
  MAX_DATA,
  startLambda,
  type ExecutionState,
  type LambdaState,
  type Transition,
} from '../engine/index.js';
import type { LambdaEndpoint, LambdaFunctions } from './config.js';
import type { Logger } from '../log.js';

/**
 * The call is abandoned this long after its deadline: by then the timer service has recorded
 * LambdaFunctionTimedOut (on the real clock), so the late answer would be ignored anyway.
 */
const ABANDON_AFTER_DEADLINE_MS = 5_000;
const RESUME_PAGE = 500;

export interface LambdaInvokerOptions {
  functions: LambdaFunctions;
  store: Store;
  executor: Executor;
  log: Logger;
}

/** How a call ended, as the history will tell it. */
type Outcome = { ok: true; result?: string } | { ok: false; reason: string; details?: string };

export class LambdaInvoker {
  private readonly calls = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private resuming: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: LambdaInvokerOptions) {}

  /** Whether ScheduleLambdaFunction may schedule this name (see decisions.ts). */
  knows(name: string): boolean {
    return this.options.functions.resolve(name) !== undefined;
  }

  /** Starts and calls a scheduled task; call only after its scheduling committed. */
  invoke(runId: string, scheduledEventId: number): void {
    if (this.stopped) return; // resume() picks it up at the next start
    const call = this.run(runId, scheduledEventId).catch((err: unknown) =>
      this.options.log.error({ runId, scheduledEventId, err: errorText(err) }, `lambda: task ${scheduledEventId} of run ${runId} failed`),
    );
    this.calls.add(call);
    void call.finally(() => this.calls.delete(call));
  }

  /** Starts every task that was scheduled but never started (after a restart). */
  resume(): Promise<number> {
    this.resuming = this.startScheduled();
    return this.resuming;
  }

  private async startScheduled(): Promise<number> {
    const { store } = this.options;
    let resumed = 0;
    for (const domain of await store.listDomains()) {
      let cursor: string | undefined;
      do {
        const page = await store.listExecutions({ domain: domain.name, open: true, reverse: false, limit: RESUME_PAGE, ...(cursor !== undefined ? { cursor } : {}) });
        for (const state of page.executions) {
          for (const lambda of Object.values(state.lambdas)) {
            if (lambda.startedEventId !== undefined) continue;
            this.invoke(state.runId, lambda.scheduledEventId);
            resumed++;
          }
        }
        cursor = page.cursor;
      } while (cursor !== undefined && !this.stopped);
    }
    if (resumed > 0) this.options.log.info({ resumed }, `lambda: resumed ${resumed} scheduled task(s)`);
    return resumed;
  }

  /** Resolves once every call in flight has recorded its outcome (or was abandoned). */
  async settled(): Promise<void> {
    while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
  }

  /** Abandons calls in flight (their deadlines stay armed) and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.resuming?.catch(() => undefined);
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.calls]);
  }

  private async run(runId: string, scheduledEventId: number): Promise<void> {
    const started = await this.change(runId, (t) => this.start(t, scheduledEventId));
    if (!started) return;
    const outcome = await this.call(started.endpoint, started.lambda, { runId, domain: started.domain, workflowId: started.workflowId });
    if (outcome === undefined) return; // abandoned: the deadline decides
    await this.change(runId, (t) => {
      if (outcome.ok) completeLambda(t, scheduledEventId, outcome.result);
      else failLambda(t, scheduledEventId, outcome.reason, outcome.details);
    });
  }

  /**
   * Records the start of a task that is still waiting for it, if its name still has an
   * endpoint. A name can lose it across a restart with another mapping: such a task cannot be
   * started (StartLambdaFunctionFailed).
   */
  private start(t: Transition, scheduledEventId: number): { lambda: LambdaState; endpoint: LambdaEndpoint; domain: string; workflowId: string } | undefined {
    const waiting = findLambdaByScheduledId(t, scheduledEventId);
    if (!waiting || waiting.startedEventId !== undefined) return undefined;
    const endpoint = this.options.functions.resolve(waiting.name);
    if (!endpoint) {
      lambdaStartFailed(t, scheduledEventId, `OpenSWF has no endpoint for the Lambda function ${waiting.name}`);
      return undefined;
    }
    const lambda = startLambda(t, scheduledEventId);
    return lambda && { lambda, endpoint, domain: t.state.domain, workflowId: t.state.workflowId };
  }

  /** POSTs the input; undefined when the call was abandoned (deadline or shutdown). */
  private async call(endpoint: LambdaEndpoint, lambda: LambdaState, run: { runId: string; domain: string; workflowId: string }): Promise<Outcome | undefined> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const deadline = durationMs(lambda.startToCloseTimeout);
    const timer = deadline === undefined ? undefined : setTimeout(() => abort.abort(), deadline + ABANDON_AFTER_DEADLINE_MS);
    timer?.unref();
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        // SWF hands the input to Lambda as the event payload, which Lambda requires to be JSON.
        headers: {
          'content-type': 'application/json',
          'x-openswf-domain': run.domain,
          'x-openswf-workflow-id': run.workflowId,
          'x-openswf-run-id': run.runId,
          'x-openswf-function-id': lambda.id,
          'x-openswf-function-name': lambda.name,
          'x-openswf-scheduled-event-id': String(lambda.scheduledEventId),
          ...endpoint.headers,
        },
        body: lambda.input ?? '',
        signal: abort.signal,
      });
      const body = await response.text();
      return outcomeOf(response.status, body);
    } catch (err) {
      if (abort.signal.aborted) return undefined;
      return { ok: false, reason: 'EndpointUnreachable', details: `${endpoint.url}: ${errorText(err)}` };
    } finally {
      if (timer) clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  /** One transaction on an open run; writes only if the change recorded something. */
  private change<R>(runId: string, fn: (t: Transition) => R): Promise<R | undefined> {
    const { store, executor } = this.options;
    return store.transaction(async (tx) => {
      const state: ExecutionState | undefined = await tx.getExecution(runId);
      if (!state || !isOpen(state)) return undefined;
      const t = executor.begin(state);
      const result = fn(t);
      if (t.events.length > 0) await executor.persist(tx, t);
      return result;
    });
  }
}

/**
 * A 2xx answer's body is the result. Any other status is a failure; its body becomes the
 * details, unless it is a JSON object with a string `reason` (and optional `details`), which
 * lets a function choose what the decider sees.
 */
export function outcomeOf(status: number, body: string): Outcome {
  if (status >= 200 && status < 300) {
    if (body.length > MAX_DATA) {
      return { ok: false, reason: 'ResultTooLarge', details: `the result has ${body.length} characters; SWF allows ${MAX_DATA}` };
    }
    return body.length > 0 ? { ok: true, result: body } : { ok: true };
  }
  const chosen = parseFailure(body);
  if (chosen) return chosen;
  return { ok: false, reason: `HTTP ${status}`, ...(body.length > 0 ? { details: body } : {}) };
}

function parseFailure(body: string): Outcome | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null) return undefined;
    const { reason, details } = json as { reason?: unknown; details?: unknown };
    if (typeof reason !== 'string') return undefined;
    return { ok: false, reason, ...(typeof details === 'string' ? { details } : {}) };
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch wraps the socket error (ECONNREFUSED, ...) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
