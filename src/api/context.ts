/** What every operation handler gets: the server's services and the request it serves. */
import type { Clock } from '../clock/clock.js';
import type { TimerService } from '../clock/timer-service.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { Limits } from '../engine/index.js';
import type { Executor } from '../executor/executor.js';
import type { OperationShapes } from '../model/operation-shapes.js';
import type { OperationName } from '../model/tables.js';
import type { RequestContext } from '../server/http.js';
import type { Store } from '../store/types.js';

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
  log(line: string): void;
}

export type Handler<K extends OperationName> = (
  input: OperationShapes[K]['input'],
  services: Services,
  request: RequestContext,
) => Promise<OperationShapes[K]['output']>;
