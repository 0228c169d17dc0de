/** ListOpen/ListClosed/CountOpen/CountClosedWorkflowExecutions. */
import type { ExecutionTimeFilter } from '../model/shapes.js';
import type { Handler } from './context.js';
import type { ExecutionQuery } from '../store/types.js';
import { SwfFault } from '../faults.js';
import { executionInfo, millis, pageSize, requireDomain } from './common.js';

interface VisibilityInput {
  domain: string;
  startTimeFilter?: ExecutionTimeFilter;
  closeTimeFilter?: ExecutionTimeFilter;
  executionFilter?: { workflowId: string };
  typeFilter?: { name: string; version?: string };
  tagFilter?: { tag: string };
  closeStatusFilter?: { status: string };
  nextPageToken?: string;
  maximumPageSize?: number;
  reverseOrder?: boolean;
}

const FILTER_NAMES = {
  executionFilter: 'WorkflowExecutionFilter',
  typeFilter: 'WorkflowTypeFilter',
  tagFilter: 'TagFilter',
  closeStatusFilter: 'CloseStatusFilter',
} as const;

/** Turns the visibility input into a store query, enforcing SWF's filter rules. */
export function toQuery(input: VisibilityInput, open: boolean, limit: number): ExecutionQuery {
  const exclusive = (Object.keys(FILTER_NAMES) as (keyof typeof FILTER_NAMES)[]).filter((k) => input[k] !== undefined);
  if (exclusive.length > 1) {
    throw new SwfFault('ValidationException', `Cannot specify more than one exclusive filters in the same query: [${exclusive.map((k) => FILTER_NAMES[k]).join(', ')}]`);
  }
  if (!open) {
    if (input.startTimeFilter !== undefined && input.closeTimeFilter !== undefined) {
      throw new SwfFault('ValidationException', 'startTimeFilter and closeTimeFilter are mutually exclusive');
    }
    if (input.startTimeFilter === undefined && input.closeTimeFilter === undefined) {
      throw new SwfFault('ValidationException', 'Either startTimeFilter or closeTimeFilter must be specified');
    }
  }
  const range = (f: ExecutionTimeFilter) => ({ oldest: millis(f.oldestDate), ...(f.latestDate !== undefined ? { latest: millis(f.latestDate) } : {}) });
  return {
    domain: input.domain,
    open,
    ...(input.startTimeFilter ? { startTime: range(input.startTimeFilter) } : {}),
    ...(input.closeTimeFilter ? { closeTime: range(input.closeTimeFilter) } : {}),
    ...(input.executionFilter ? { workflowId: input.executionFilter.workflowId } : {}),
    ...(input.typeFilter ? { typeName: input.typeFilter.name, ...(input.typeFilter.version !== undefined ? { typeVersion: input.typeFilter.version } : {}) } : {}),
    ...(input.tagFilter ? { tag: input.tagFilter.tag } : {}),
    ...(input.closeStatusFilter ? { closeStatus: input.closeStatusFilter.status } : {}),
    reverse: input.reverseOrder === true,
    limit,
    ...(input.nextPageToken !== undefined ? { cursor: input.nextPageToken } : {}),
  };
}

/** Counts stop at this many and say `truncated`, so a count never scans without bound. */
export const COUNT_CAP = 100_000;

export const listOpenWorkflowExecutions: Handler<'ListOpenWorkflowExecutions'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const page = await store.listExecutions(toQuery(input, true, pageSize(input.maximumPageSize)));
  return { executionInfos: page.executions.map(executionInfo), ...(page.cursor ? { nextPageToken: page.cursor } : {}) };
};

export const listClosedWorkflowExecutions: Handler<'ListClosedWorkflowExecutions'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const page = await store.listExecutions(toQuery(input, false, pageSize(input.maximumPageSize)));
  return { executionInfos: page.executions.map(executionInfo), ...(page.cursor ? { nextPageToken: page.cursor } : {}) };
};

export const countOpenWorkflowExecutions: Handler<'CountOpenWorkflowExecutions'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const count = await store.countExecutions(toQuery(input, true, COUNT_CAP), COUNT_CAP);
  return count > COUNT_CAP ? { count: COUNT_CAP, truncated: true } : { count, truncated: false };
};

export const countClosedWorkflowExecutions: Handler<'CountClosedWorkflowExecutions'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const count = await store.countExecutions(toQuery(input, false, COUNT_CAP), COUNT_CAP);
  return count > COUNT_CAP ? { count: COUNT_CAP, truncated: true } : { count, truncated: false };
};
