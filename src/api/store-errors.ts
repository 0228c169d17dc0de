/**
 * Errors of the layers below (store, dispatch) become SWF faults here, in one place: the store
 * speaks of keys and cursors, the dispatcher of pollers, the API of the faults each
 * operation's reference names.
 */
import type { OperationName } from '../model/tables.js';
import { SwfFault } from '../faults.js';
import { AlreadyExists, InvalidCursor } from '../store/types.js';
import type { Handler } from './context.js';
import { TooManyPollers } from '../dispatch/dispatcher.js';
import { describeType } from './common.js';

/** The fault a store error stands for, or the error itself when it is no store error. */
export function faultOfStoreError(err: unknown): unknown {
  if (err instanceof AlreadyExists) {
    const r = err.resource;
    if (r.kind === 'domain') return new SwfFault('DomainAlreadyExistsFault', r.name, { cause: err });
    return new SwfFault('TypeAlreadyExistsFault', describeType(r.kind, r), { cause: err });
  }
  if (err instanceof InvalidCursor) {
    return new SwfFault('ValidationException', err.reason === undefined ? 'Invalid nextPageToken' : `Invalid nextPageToken: ${err.reason}`, { cause: err });
  }
  if (err instanceof TooManyPollers) return new SwfFault('LimitExceededFault', err.message, { cause: err });
  return err;
}

/** Every handler, its store errors answered as faults. */
export function withStoreFaults<H extends { [K in OperationName]: Handler<K> }>(handlers: H): H {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [OperationName, (...args: Parameters<Handler<OperationName>>) => Promise<unknown>][]) {
    wrapped[name] = async (...args: Parameters<Handler<OperationName>>) => {
      try {
        return await handler(...args);
      } catch (err) {
        throw faultOfStoreError(err);
      }
    };
  }
  return wrapped as H;
}
