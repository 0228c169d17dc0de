/** RegisterWorkflowType, DescribeWorkflowType, ListWorkflowTypes, (Un)DeprecateWorkflowType, DeleteWorkflowType. */
import type { WorkflowTypeConfiguration } from '../model/shapes.js';
import type { Handler } from './context.js';
import { checkExecutionTimeout } from './start-workflow-execution.js';
import { deleteType, deprecateType, describeTypeRecord, listTypeRecords, registerType, typeInfo, undeprecateType } from './types.js';

export const registerWorkflowType: Handler<'RegisterWorkflowType'> = async (input, s) => {
  // A default that no start could ask for explicitly (zero, or beyond the one-year cap).
  if (input.defaultExecutionStartToCloseTimeout !== undefined) {
    checkExecutionTimeout(input.defaultExecutionStartToCloseTimeout, 'defaultExecutionStartToCloseTimeout');
  }
  return registerType(s, 'workflow', input, {
    defaultTaskStartToCloseTimeout: input.defaultTaskStartToCloseTimeout,
    defaultExecutionStartToCloseTimeout: input.defaultExecutionStartToCloseTimeout,
    defaultTaskList: input.defaultTaskList,
    defaultTaskPriority: input.defaultTaskPriority,
    defaultChildPolicy: input.defaultChildPolicy,
    defaultLambdaRole: input.defaultLambdaRole,
  } satisfies WorkflowTypeConfiguration);
};

export const describeWorkflowType: Handler<'DescribeWorkflowType'> = async (input, s) => {
  const record = await describeTypeRecord(s, 'workflow', input.domain, input.workflowType);
  return {
    typeInfo: { workflowType: { name: record.name, version: record.version }, ...typeInfo(record) },
    configuration: record.configuration as WorkflowTypeConfiguration,
  };
};

export const listWorkflowTypes: Handler<'ListWorkflowTypes'> = async (input, s) => {
  const { page, nextPageToken } = await listTypeRecords(s, 'workflow', input);
  return {
    typeInfos: page.map((r) => ({ workflowType: { name: r.name, version: r.version }, ...typeInfo(r) })),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
};

export const deprecateWorkflowType: Handler<'DeprecateWorkflowType'> = (input, s) => deprecateType(s, 'workflow', input.domain, input.workflowType);
export const undeprecateWorkflowType: Handler<'UndeprecateWorkflowType'> = (input, s) => undeprecateType(s, 'workflow', input.domain, input.workflowType);
export const deleteWorkflowType: Handler<'DeleteWorkflowType'> = (input, s) => deleteType(s, 'workflow', input.domain, input.workflowType);
