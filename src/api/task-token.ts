/**
 * Task tokens as the handlers see them: the live task a token names, or the fault SWF answers
 * for it. The token's form lives with the executor, which mints tokens for the engine; its
 * decoder is re-exported here for the handlers (and access control) that read tokens.
 */
import type { ExecutionState, TaskKind } from '../engine/index.js';
import type { StoreReader, TaskRow } from '../store/types.js';
import { isOpen } from '../engine/index.js';
import { decodeTaskToken } from '../executor/task-token.js';
import { SwfFault } from '../faults.js';
import { unknownExecution } from './common.js';

export { decodeTaskToken, type DecodedTaskToken } from '../executor/task-token.js';

/** SWF's words for a task that is no longer open while its run is. */
export function unknownTask(kind: TaskKind, scheduledEventId: number): SwfFault {
  return new SwfFault(
    'UnknownResourceFault',
    kind === 'activity' ? `Unknown activity, scheduledEventId = ${scheduledEventId}` : `Unknown decision task, scheduledEventId = ${scheduledEventId}`,
  );
}

/**
 * The started task of `kind` a token names, and its open run. Anything else faults as SWF does:
 * a string that is no token of ours (or one of the other kind) is `Invalid token`; a token of a
 * closed run names that run; a token of an open run whose task was answered or timed out names
 * the task by its scheduled event.
 */
export async function requireStartedTask(store: StoreReader, token: string, kind: TaskKind): Promise<{ task: TaskRow; state: ExecutionState }> {
  const task = await store.getTask(token);
  if (task && task.kind === kind && task.started) {
    const state = await store.getExecution(task.runId);
    if (state && isOpen(state)) return { task, state };
  }
  throw await goneTaskFault(store, token, kind);
}

async function goneTaskFault(store: StoreReader, token: string, kind: TaskKind): Promise<SwfFault> {
  const claims = decodeTaskToken(token);
  const invalid = new SwfFault('ValidationException', 'Invalid token');
  if (!claims || claims.kind !== kind) return invalid;
  const state = await store.getExecutionKey(claims.runId);
  // A token whose names disagree with its run was not minted for that run.
  const named = (value: string | undefined, actual: string) => value === undefined || value === actual;
  if (state && !(named(claims.domain, state.domain) && named(claims.workflowId, state.workflowId))) return invalid;
  const workflowId = claims.workflowId ?? state?.workflowId;
  if (!state || !state.open) return workflowId === undefined ? invalid : unknownExecution(workflowId, claims.runId);
  return unknownTask(kind, claims.scheduledEventId);
}
