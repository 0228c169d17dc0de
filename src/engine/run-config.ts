/** How a new run's settings come from the request, else from its workflow type's defaults. */
import type { ChildPolicy, TaskList, WorkflowTypeConfiguration } from '../model/shapes.js';
import type { ExecutionConfig } from './state.js';

export interface RunSettings {
  executionStartToCloseTimeout?: string;
  taskStartToCloseTimeout?: string;
  taskList?: TaskList;
  taskPriority?: string;
  childPolicy?: ChildPolicy;
  lambdaRole?: string;
}

export type DefaultUndefinedCause =
  | 'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED'
  | 'DEFAULT_TASK_LIST_UNDEFINED'
  | 'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED'
  | 'DEFAULT_CHILD_POLICY_UNDEFINED';

export type ResolvedRunConfig = { ok: true; config: ExecutionConfig } | { ok: false; cause: DefaultUndefinedCause };

export function resolveRunConfig(settings: RunSettings, defaults: WorkflowTypeConfiguration): ResolvedRunConfig {
  const executionStartToCloseTimeout = settings.executionStartToCloseTimeout ?? defaults.defaultExecutionStartToCloseTimeout;
  if (executionStartToCloseTimeout === undefined) return { ok: false, cause: 'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED' };
  const taskList = settings.taskList ?? defaults.defaultTaskList;
  if (taskList === undefined) return { ok: false, cause: 'DEFAULT_TASK_LIST_UNDEFINED' };
  const taskStartToCloseTimeout = settings.taskStartToCloseTimeout ?? defaults.defaultTaskStartToCloseTimeout;
  if (taskStartToCloseTimeout === undefined) return { ok: false, cause: 'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED' };
  const childPolicy = settings.childPolicy ?? defaults.defaultChildPolicy;
  if (childPolicy === undefined) return { ok: false, cause: 'DEFAULT_CHILD_POLICY_UNDEFINED' };
  const taskPriority = settings.taskPriority ?? defaults.defaultTaskPriority;
  const lambdaRole = settings.lambdaRole ?? defaults.defaultLambdaRole;
  return {
    ok: true,
    config: {
      executionStartToCloseTimeout,
      taskStartToCloseTimeout,
      childPolicy,
      taskList: { name: taskList.name },
      ...(taskPriority !== undefined ? { taskPriority } : {}),
      ...(lambdaRole !== undefined ? { lambdaRole } : {}),
    },
  };
}
