/**
 * Effects one run has on another, followed inside the transaction that caused them: a child
 * started by a decision, a signal or cancel request sent to another run, a parent told that
 * its child closed, a child policy applied, a run continued as new.
 */
import {
  childClosed,
  childContinuedAsNew,
  childStartFailed,
  childStarted,
  externalCancelRequested,
  externalSignaled,
  isOpen,
  requestCancel,
  requestCancelExternalFailed,
  signal,
  signalExternalFailed,
  startRun,
  terminate,
  type CrossExecutionEffect,
  type EngineContext,
  type ExecutionState,
  type Limits,
  type Transition,
} from '../engine/index.js';
import type { StoreTx } from '../store/types.js';

/**
 * What following an effect needs of the executor. Executor implements it; it is declared here
 * so that the import points one way (executor → cross-execution), not in a cycle.
 */
export interface RunWriter {
  readonly limits: Limits;
  context(): EngineContext;
  begin(state: ExecutionState): Transition;
  persist(tx: StoreTx, t: Transition, isNew?: boolean): Promise<void>;
}

/** The open run a (workflowId, runId?) pair names in a domain, if any. */
export async function findOpenTarget(tx: StoreTx, domain: string, workflowId: string, runId?: string): Promise<ExecutionState | undefined> {
  if (runId === undefined) return tx.findOpenExecution(domain, workflowId);
  const state = await tx.getExecution(runId);
  if (!state || state.domain !== domain || state.workflowId !== workflowId || !isOpen(state)) return undefined;
  return state;
}

/** Applies a change to a run only while it is open: a closed run records nothing more. */
async function updateOpen(executor: RunWriter, tx: StoreTx, runId: string, change: (t: Transition) => unknown): Promise<void> {
  const state = await tx.getExecution(runId);
  if (!state || !isOpen(state)) return;
  const t = executor.begin(state);
  change(t);
  await executor.persist(tx, t);
}

export async function applyCrossExecutionEffect(executor: RunWriter, tx: StoreTx, effect: CrossExecutionEffect): Promise<void> {
  switch (effect.type) {
    case 'startChild': {
      const { parent } = effect;
      const failed = (cause: 'WORKFLOW_ALREADY_RUNNING' | 'OPEN_WORKFLOWS_LIMIT_EXCEEDED') =>
        updateOpen(executor, tx, parent.runId, (t) =>
          childStartFailed(t, effect.initiatedEventId, effect.decisionTaskCompletedEventId, effect.workflowId, effect.workflowType, cause, effect.control),
        );
      if (await tx.findOpenExecution(effect.domain, effect.workflowId)) return failed('WORKFLOW_ALREADY_RUNNING');
      // The engine judged the domain's limit already; this catches runs that other nodes of a
      // shared database opened in the meantime. Counted under the domain's row lock, as a
      // StartWorkflowExecution counts (lock order: runs, then the domain).
      await tx.lockDomain(effect.domain, 'update');
      if ((await tx.countOpenExecutions(effect.domain)) >= executor.limits.maxOpenExecutionsPerDomain) {
        return failed('OPEN_WORKFLOWS_LIMIT_EXCEEDED');
      }
      const ctx = executor.context();
      const runId = ctx.newId();
      const child = startRun(
        {
          domain: effect.domain,
          workflowId: effect.workflowId,
          runId,
          workflowType: effect.workflowType,
          config: effect.config,
          ...(effect.input !== undefined ? { input: effect.input } : {}),
          tagList: effect.tagList,
          parent: { execution: parent, initiatedEventId: effect.initiatedEventId, domain: effect.domain },
        },
        ctx,
      );
      await executor.persist(tx, child, true);
      await updateOpen(executor, tx, parent.runId, (t) =>
        childStarted(t, effect.initiatedEventId, { workflowId: effect.workflowId, runId }, effect.workflowType),
      );
      return;
    }
    case 'signalExternal': {
      const target = await findOpenTarget(tx, effect.domain, effect.workflowId, effect.runId);
      if (!target) {
        return updateOpen(executor, tx, effect.source.runId, (t) => signalExternalFailed(t, effect, 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION'));
      }
      await updateOpen(executor, tx, target.runId, (t) =>
        signal(t, effect.signalName, effect.input, { execution: effect.source, initiatedEventId: effect.initiatedEventId }),
      );
      return updateOpen(executor, tx, effect.source.runId, (t) =>
        externalSignaled(t, effect.initiatedEventId, { workflowId: target.workflowId, runId: target.runId }),
      );
    }
    case 'requestCancelExternal': {
      const target = await findOpenTarget(tx, effect.domain, effect.workflowId, effect.runId);
      if (!target) {
        return updateOpen(executor, tx, effect.source.runId, (t) => requestCancelExternalFailed(t, effect, 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION'));
      }
      await updateOpen(executor, tx, target.runId, (t) =>
        requestCancel(t, { execution: effect.source, initiatedEventId: effect.initiatedEventId }),
      );
      return updateOpen(executor, tx, effect.source.runId, (t) =>
        externalCancelRequested(t, effect.initiatedEventId, { workflowId: target.workflowId, runId: target.runId }),
      );
    }
    case 'notifyParent':
      return updateOpen(executor, tx, effect.parent.runId, (t) =>
        childClosed(t, effect.initiatedEventId, effect.child, effect.workflowType, effect.outcome),
      );
    case 'applyChildPolicy':
      for (const child of effect.children) {
        if (effect.policy === 'TERMINATE') {
          await updateOpen(executor, tx, child.runId, (t) => terminate(t, { cause: 'CHILD_POLICY_APPLIED' }));
        } else if (effect.policy === 'REQUEST_CANCEL') {
          await updateOpen(executor, tx, child.runId, (t) => requestCancel(t, { execution: effect.parent }, 'CHILD_POLICY_APPLIED'));
        }
      }
      return;
    case 'continueAsNew': {
      const ctx = executor.context();
      const next = startRun(
        {
          domain: effect.domain,
          workflowId: effect.previous.workflowId,
          runId: effect.newRunId,
          workflowType: effect.workflowType,
          config: effect.config,
          ...(effect.input !== undefined ? { input: effect.input } : {}),
          tagList: effect.tagList,
          ...(effect.parent ? { parent: effect.parent } : {}),
          continuedExecutionRunId: effect.previous.runId,
        },
        ctx,
      );
      await executor.persist(tx, next, true);
      // A child's parent follows the chain to its open run (for its child policy).
      const { parent } = effect;
      if (parent) {
        await updateOpen(executor, tx, parent.execution.runId, (t) => childContinuedAsNew(t, parent.initiatedEventId, effect.newRunId));
      }
      return;
    }
    case 'invokeLambda':
      return; // handled by the executor's hook after commit
    default: {
      const never: never = effect;
      throw new Error(`unhandled effect ${JSON.stringify(never)}`);
    }
  }
}
