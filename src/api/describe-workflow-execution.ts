import type { Handler } from './context.js';
import { executionInfo, requireDomain, requireExecution, seconds } from './common.js';

export const describeWorkflowExecution: Handler<'DescribeWorkflowExecution'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const state = await requireExecution(store, input.domain, input.execution.workflowId, input.execution.runId);
  const { config, decision } = state;
  return {
    executionInfo: executionInfo(state),
    executionConfiguration: {
      taskStartToCloseTimeout: config.taskStartToCloseTimeout,
      executionStartToCloseTimeout: config.executionStartToCloseTimeout,
      taskList: config.taskList,
      ...(config.taskPriority !== undefined ? { taskPriority: config.taskPriority } : {}),
      childPolicy: config.childPolicy,
      ...(config.lambdaRole !== undefined ? { lambdaRole: config.lambdaRole } : {}),
    },
    openCounts: {
      openActivityTasks: Object.keys(state.activities).length,
      openDecisionTasks: decision.scheduled || decision.started ? 1 : 0,
      openTimers: Object.keys(state.timers).length,
      openChildWorkflowExecutions: Object.keys(state.children).length,
      openLambdaFunctions: Object.keys(state.lambdas).length,
    },
    ...(state.latestActivityTaskTimestamp !== undefined ? { latestActivityTaskTimestamp: seconds(state.latestActivityTaskTimestamp) } : {}),
    ...(state.latestExecutionContext !== undefined ? { latestExecutionContext: state.latestExecutionContext } : {}),
  };
};
