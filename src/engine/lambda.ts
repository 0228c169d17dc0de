/**
 * A Lambda task's life after ScheduleLambdaFunction: started when OpenSWF calls the function's
 * endpoint, then completed, failed or timed out (the timeout lives in timeouts.ts).
 *
 * OpenSWF has no AWS Lambda: the operator maps function names to HTTP endpoints (see
 * src/lambda/) and the server makes the call itself. The engine only keeps the history right;
 * every function here ignores a Lambda task that is gone (it timed out, or the run closed),
 * because an answer can arrive after its deadline fired.
 */
import type { LambdaState } from './state.js';
import type { Transition } from './transition.js';

export function findLambdaByScheduledId(t: Transition, scheduledEventId: number): LambdaState | undefined {
  return Object.values(t.state.lambdas).find((l) => l.scheduledEventId === scheduledEventId);
}

/**
 * The call to the function begins: LambdaFunctionStarted, and the start-to-close deadline
 * counts from here. Answers the task to invoke, or undefined when there is nothing to start
 * (already started by someone else, timed out, or the run closed).
 */
export function startLambda(t: Transition, scheduledEventId: number): LambdaState | undefined {
  const lambda = findLambdaByScheduledId(t, scheduledEventId);
  if (!lambda || lambda.startedEventId !== undefined) return undefined;
  lambda.startedEventId = t.record('LambdaFunctionStarted', { scheduledEventId });
  // Replaces the safety deadline armed at scheduling time (same key).
  t.armTimeout('lambdaStartToClose', scheduledEventId, lambda.startToCloseTimeout);
  return { ...lambda };
}

/**
 * The function could not be started at all (its name lost its endpoint across a restart):
 * StartLambdaFunctionFailed. Its only modelled cause, ASSUME_ROLE_FAILED, is about IAM and
 * does not apply, so the event carries a message and no cause (cause is optional).
 */
export function lambdaStartFailed(t: Transition, scheduledEventId: number, message: string): void {
  const lambda = findLambdaByScheduledId(t, scheduledEventId);
  if (!lambda || lambda.startedEventId !== undefined) return;
  t.record('StartLambdaFunctionFailed', { scheduledEventId, message: truncate(message, MAX_CAUSE_MESSAGE) });
  closeLambda(t, lambda);
}

export function completeLambda(t: Transition, scheduledEventId: number, result: string | undefined): void {
  const lambda = startedLambda(t, scheduledEventId);
  if (!lambda) return;
  t.record('LambdaFunctionCompleted', {
    scheduledEventId,
    startedEventId: lambda.startedEventId ?? 0,
    ...(result !== undefined ? { result } : {}),
  });
  closeLambda(t, lambda);
}

export function failLambda(t: Transition, scheduledEventId: number, reason: string | undefined, details: string | undefined): void {
  const lambda = startedLambda(t, scheduledEventId);
  if (!lambda) return;
  t.record('LambdaFunctionFailed', {
    scheduledEventId,
    startedEventId: lambda.startedEventId ?? 0,
    ...(reason !== undefined ? { reason: truncate(reason, MAX_REASON) } : {}),
    ...(details !== undefined ? { details: truncate(details, MAX_DATA) } : {}),
  });
  closeLambda(t, lambda);
}

/** The model's limits on the strings these events carry (FailureReason, Data, CauseMessage). */
export const MAX_REASON = 256;
export const MAX_DATA = 32_768;
const MAX_CAUSE_MESSAGE = 1_728;

function startedLambda(t: Transition, scheduledEventId: number): LambdaState | undefined {
  const lambda = findLambdaByScheduledId(t, scheduledEventId);
  return lambda?.startedEventId !== undefined ? lambda : undefined;
}

function closeLambda(t: Transition, lambda: LambdaState): void {
  delete t.state.lambdas[lambda.id];
  t.disarm('lambdaStartToClose', lambda.scheduledEventId);
  t.wantDecision();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
