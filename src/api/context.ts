/** What every operation handler gets: the server's services and the request it serves. */
import type { Clock } from '../clock/clock.js';
import type { TimerService } from '../clock/timer-service.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { Limits } from '../engine/index.js';
import type { Executor } from '../executor/executor.js';
import type { OperationShapes } from '../model/operation-shapes.js';
import type { OperationName } from '../model/tables.js';
import type { Store } from '../store/types.js';
import type { Logger } from '../log.js';
import type { PolicySet } from '../auth/policy.js';

/** One request as the HTTP front hands it to a handler. */
export interface RequestContext {
  requestId: string;
  /** Aborted when the client closes the connection before it was answered. */
  signal: AbortSignal;
  clientGone(): boolean;
  remoteAddress?: string;
  /**
   * The region named by the request's SigV4 credential scope, when it carries one.
   * Domain ARNs name this region (as SWF's do); without it, `settings.region` serves.
   */
  region?: string;
  /** The authenticated caller, when authentication is on (set by the HTTP front). */
  caller?: Caller;
  /**
   * The caller's IAM policies, set with `caller`. Every call and every decision is judged
   * on them (api/access.ts); without them (authentication off) everything is allowed.
   */
  policies?: PolicySet;
  /** Whether the request came over TLS (IAM's `aws:SecureTransport`). */
  secureTransport?: boolean;
}

/** An authenticated identity, as IAM names it. */
export interface Caller {
  /** The user's name in the auth file. */
  name: string;
  accountId: string;
  /** arn:aws:iam::<account>:user/<name> */
  arn: string;
}

export interface ServerSettings {
  /** How long PollFor*Task holds an empty poll (SWF: 60 s). */
  pollTimeoutMs: number;
  limits: Limits;
  /** Shown in domain ARNs. */
  region: string;
  accountId: string;
}

export interface Services {
  store: Store;
  executor: Executor;
  dispatcher: Dispatcher;
  clock: Clock;
  timers: TimerService;
  settings: ServerSettings;
  /** Whether the operator mapped a Lambda function name to an endpoint. */
  lambdaFunctionKnown(name: string): boolean;
  log: Logger;
}

/**
 * What a long poll answers when it ends without a task: no task member at all, not even an
 * empty one. Clients test for `taskToken` or `events` being there (boto 2's documented decider
 * checks `'events' in task`, the Ruby SDK v1 tests `taskToken`), so `""` or `[]` reads as a task.
 */
export interface EmptyPolls {
  PollForDecisionTask: { previousStartedEventId: 0; startedEventId: 0 };
  PollForActivityTask: { startedEventId: 0 };
}

/** An operation's answer: its model output, or, for a long poll, the empty answer. */
export type HandlerOutput<K extends OperationName> = OperationShapes[K]['output'] | (K extends keyof EmptyPolls ? EmptyPolls[K] : never);

export type Handler<K extends OperationName> = (
  input: OperationShapes[K]['input'],
  services: Services,
  request: RequestContext,
) => Promise<HandlerOutput<K>>;
