/**
 * Every SWF operation and its handler. The mapped type makes a missing operation a compile
 * error.
 */
import type { OperationName } from '../model/tables.js';
import type { Handler } from './context.js';
import { withStoreFaults } from './store-errors.js';
import { registerDomain } from './register-domain.js';
import { describeDomain } from './describe-domain.js';
import { listDomains } from './list-domains.js';
import { deprecateDomain, undeprecateDomain } from './deprecate-domain.js';
import { listTagsForResource, tagResource, untagResource } from './resource-tags.js';
import {
  deleteWorkflowType,
  deprecateWorkflowType,
  describeWorkflowType,
  listWorkflowTypes,
  registerWorkflowType,
  undeprecateWorkflowType,
} from './workflow-types.js';
import {
  deleteActivityType,
  deprecateActivityType,
  describeActivityType,
  listActivityTypes,
  registerActivityType,
  undeprecateActivityType,
} from './activity-types.js';
import { startWorkflowExecution } from './start-workflow-execution.js';
import { describeWorkflowExecution } from './describe-workflow-execution.js';
import { getWorkflowExecutionHistory } from './get-workflow-execution-history.js';
import { requestCancelWorkflowExecution, signalWorkflowExecution, terminateWorkflowExecution } from './execution-control.js';
import { pollForDecisionTask } from './poll-for-decision-task.js';
import { pollForActivityTask } from './poll-for-activity-task.js';
import { respondDecisionTaskCompleted } from './respond-decision-task-completed.js';
import {
  recordActivityTaskHeartbeat,
  respondActivityTaskCanceled,
  respondActivityTaskCompleted,
  respondActivityTaskFailed,
} from './activity-task-responses.js';
import { countPendingActivityTasks, countPendingDecisionTasks } from './count-pending-tasks.js';
import {
  countClosedWorkflowExecutions,
  countOpenWorkflowExecutions,
  listClosedWorkflowExecutions,
  listOpenWorkflowExecutions,
} from './visibility.js';

export const handlers: { [K in OperationName]: Handler<K> } = withStoreFaults({
  CountClosedWorkflowExecutions: countClosedWorkflowExecutions,
  CountOpenWorkflowExecutions: countOpenWorkflowExecutions,
  CountPendingActivityTasks: countPendingActivityTasks,
  CountPendingDecisionTasks: countPendingDecisionTasks,
  DeleteActivityType: deleteActivityType,
  DeleteWorkflowType: deleteWorkflowType,
  DeprecateActivityType: deprecateActivityType,
  DeprecateDomain: deprecateDomain,
  DeprecateWorkflowType: deprecateWorkflowType,
  DescribeActivityType: describeActivityType,
  DescribeDomain: describeDomain,
  DescribeWorkflowExecution: describeWorkflowExecution,
  DescribeWorkflowType: describeWorkflowType,
  GetWorkflowExecutionHistory: getWorkflowExecutionHistory,
  ListActivityTypes: listActivityTypes,
  ListClosedWorkflowExecutions: listClosedWorkflowExecutions,
  ListDomains: listDomains,
  ListOpenWorkflowExecutions: listOpenWorkflowExecutions,
  ListTagsForResource: listTagsForResource,
  ListWorkflowTypes: listWorkflowTypes,
  PollForActivityTask: pollForActivityTask,
  PollForDecisionTask: pollForDecisionTask,
  RecordActivityTaskHeartbeat: recordActivityTaskHeartbeat,
  RegisterActivityType: registerActivityType,
  RegisterDomain: registerDomain,
  RegisterWorkflowType: registerWorkflowType,
  RequestCancelWorkflowExecution: requestCancelWorkflowExecution,
  RespondActivityTaskCanceled: respondActivityTaskCanceled,
  RespondActivityTaskCompleted: respondActivityTaskCompleted,
  RespondActivityTaskFailed: respondActivityTaskFailed,
  RespondDecisionTaskCompleted: respondDecisionTaskCompleted,
  SignalWorkflowExecution: signalWorkflowExecution,
  StartWorkflowExecution: startWorkflowExecution,
  TagResource: tagResource,
  TerminateWorkflowExecution: terminateWorkflowExecution,
  UndeprecateActivityType: undeprecateActivityType,
  UndeprecateDomain: undeprecateDomain,
  UndeprecateWorkflowType: undeprecateWorkflowType,
  UntagResource: untagResource,
});
