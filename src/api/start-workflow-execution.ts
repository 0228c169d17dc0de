import type { WorkflowTypeConfiguration } from '../model/shapes.js';
import type { Handler } from './context.js';
import { SwfFault } from '../faults.js';
import { MAX_EXECUTION_SECONDS, resolveRunConfig, startRun } from '../engine/index.js';
import { DuplicateOpenExecution } from '../store/types.js';
import { describeType, lockedType, requireRegisteredDomain, requireType } from './common.js';

/** DefaultUndefinedFault names the parameter that neither the call nor the type set. */
const MISSING_PARAMETER = {
  DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED: 'executionStartToCloseTimeout',
  DEFAULT_TASK_LIST_UNDEFINED: 'taskList',
  DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED: 'taskStartToCloseTimeout',
  DEFAULT_CHILD_POLICY_UNDEFINED: 'childPolicy',
} as const;

/**
 * Every execution ends within a year. StartWorkflowExecution and RegisterWorkflowType cannot
 * ask for NONE here (the API reference says so); a continue-as-new decision can (`allowNone`),
 * and still ends at the one-year cap. Above the cap, or zero, is refused everywhere.
 */
export function checkExecutionTimeout(value: string, member: string, options: { allowNone?: boolean } = {}): void {
  if (value === 'NONE' && options.allowNone === true) return;
  if (value === 'NONE' || Number(value) > MAX_EXECUTION_SECONDS || Number(value) <= 0) {
    throw new SwfFault(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must be a number of seconds from 1 to ${MAX_EXECUTION_SECONDS}`,
    );
  }
}

export const startWorkflowExecution: Handler<'StartWorkflowExecution'> = async (input, { store, executor, settings }) => {
  if (input.executionStartToCloseTimeout !== undefined) checkExecutionTimeout(input.executionStartToCloseTimeout, 'executionStartToCloseTimeout');
  return store.transaction(async (tx) => {
    await requireRegisteredDomain(tx, input.domain);
    const type = await requireType(tx, input.domain, 'workflow', input.workflowType);
    if (type.status === 'DEPRECATED') throw new SwfFault('TypeDeprecatedFault', describeType('workflow', input.workflowType));
    const resolved = resolveRunConfig(input, type.configuration as WorkflowTypeConfiguration);
    if (!resolved.ok) throw new SwfFault('DefaultUndefinedFault', MISSING_PARAMETER[resolved.cause]);
    if (await tx.findOpenExecution(input.domain, input.workflowId)) {
      throw new SwfFault('WorkflowExecutionAlreadyStartedFault', 'Already Started');
    }
    // What was read above is checked again under locks, so that it stays true until commit on
    // every node: the domain's row (no DeprecateDomain in between, and the open count under
    // the limit: admitRun), the type's shared (no DeprecateWorkflowType).
    // Lock order: runs (findOpenExecution), then the domain, then the type.
    const admitted = await tx.admitRun(input.domain, settings.limits.maxOpenExecutionsPerDomain);
    if (!admitted || admitted.domain.status === 'DEPRECATED') throw new SwfFault('UnknownResourceFault', `Unknown domain: ${input.domain}`);
    if ((await lockedType(tx, input.domain, 'workflow', input.workflowType, 'share')).status === 'DEPRECATED') {
      throw new SwfFault('TypeDeprecatedFault', describeType('workflow', input.workflowType));
    }
    if (!admitted.fits) {
      throw new SwfFault('LimitExceededFault', `The number of open executions in domain ${input.domain} reached the limit of ${settings.limits.maxOpenExecutionsPerDomain}`);
    }
    const ctx = executor.context();
    const runId = ctx.newId();
    const t = startRun(
      {
        domain: input.domain,
        workflowId: input.workflowId,
        runId,
        workflowType: input.workflowType,
        config: resolved.config,
        ...(input.input !== undefined ? { input: input.input } : {}),
        tagList: input.tagList ?? [],
      },
      ctx,
    );
    try {
      await executor.persist(tx, t, true);
    } catch (err) {
      if (err instanceof DuplicateOpenExecution) throw new SwfFault('WorkflowExecutionAlreadyStartedFault', 'Already Started');
      throw err;
    }
    return { runId };
  });
};
