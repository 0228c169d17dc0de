/** SignalWorkflowExecution, RequestCancelWorkflowExecution, TerminateWorkflowExecution. */
import type { Handler, Services } from './context.js';
import type { Transition } from '../engine/index.js';
import { requestCancel, signal, terminate } from '../engine/index.js';
import { requireDomain, requireOpenExecution } from './common.js';

/** Applies `change` to the open run (workflowId, runId?) in one transaction. */
async function changeOpenRun(s: Services, domain: string, workflowId: string, runId: string | undefined, change: (t: Transition) => void): Promise<void> {
  await s.store.transaction(async (tx) => {
    await requireDomain(tx, domain);
    const state = await requireOpenExecution(tx, domain, workflowId, runId);
    const t = s.executor.begin(state);
    change(t);
    await s.executor.persist(tx, t);
  });
}

export const signalWorkflowExecution: Handler<'SignalWorkflowExecution'> = (input, s) =>
  changeOpenRun(s, input.domain, input.workflowId, input.runId, (t) => {
    signal(t, input.signalName, input.input);
  });

export const requestCancelWorkflowExecution: Handler<'RequestCancelWorkflowExecution'> = (input, s) =>
  changeOpenRun(s, input.domain, input.workflowId, input.runId, (t) => {
    requestCancel(t);
  });

export const terminateWorkflowExecution: Handler<'TerminateWorkflowExecution'> = (input, s) =>
  changeOpenRun(s, input.domain, input.workflowId, input.runId, (t) =>
    terminate(t, {
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.details !== undefined ? { details: input.details } : {}),
      ...(input.childPolicy !== undefined ? { childPolicy: input.childPolicy } : {}),
      cause: 'OPERATOR_INITIATED',
    }),
  );
