/**
 * ListOpen/ListClosed/CountOpen/CountClosedWorkflowExecutions.
 *
 * The filter rules of the API reference: executionFilter, typeFilter and tagFilter (and,
 * for closed runs, closeStatusFilter) are mutually exclusive; open runs are chosen by
 * startTimeFilter (the model requires it); closed runs by exactly one of startTimeFilter and
 * closeTimeFilter, which also sets the order. Results come newest first unless reverseOrder.
 */
import type { ExecutionTimeFilter } from '../model/shapes.js';
import type { OperationShapes } from '../model/operation-shapes.js';
import type { Handler, Services } from './context.js';
import type { ExecutionQuery } from '../store/types.js';
import { SwfFault } from '../faults.js';
import { executionInfo, millis, pageSize, requireDomain } from './common.js';

type OpenInput = OperationShapes['ListOpenWorkflowExecutions']['input'];
type ClosedInput = OperationShapes['ListClosedWorkflowExecutions']['input'];

/** The exclusive filters, in the order SWF names them in its message (WorkflowTypeFilter before CloseStatusFilter). */
const EXCLUSIVE_FILTERS = [
  ['executionFilter', 'WorkflowExecutionFilter'],
  ['typeFilter', 'WorkflowTypeFilter'],
  ['tagFilter', 'TagFilter'],
  ['closeStatusFilter', 'CloseStatusFilter'],
] as const;

/**
 * Turns the input of a visibility operation into a store query, enforcing SWF's filter
 * rules. For open runs, pass the input through `openOnly` first.
 */
export function toQuery(filters: ClosedInput, open: boolean, limit: number): ExecutionQuery {
  const given = EXCLUSIVE_FILTERS.filter(([member]) => filters[member] !== undefined);
  if (given.length > 1) {
    throw new SwfFault(
      'ValidationException',
      `Cannot specify more than one exclusive filters in the same query: [${given.map(([, shape]) => shape).join(', ')}]`,
    );
  }
  const { startTimeFilter, closeTimeFilter } = filters;
  if (startTimeFilter !== undefined && closeTimeFilter !== undefined) {
    throw new SwfFault('ValidationException', 'Cannot specify both startTimeFilter and closeTimeFilter: they are mutually exclusive');
  }
  if (startTimeFilter === undefined && closeTimeFilter === undefined) {
    throw new SwfFault('ValidationException', 'Either startTimeFilter or closeTimeFilter must be specified');
  }
  return {
    domain: filters.domain,
    open,
    ...(startTimeFilter !== undefined ? { startTime: timeRange(startTimeFilter) } : {}),
    ...(closeTimeFilter !== undefined ? { closeTime: timeRange(closeTimeFilter) } : {}),
    ...(filters.executionFilter !== undefined ? { workflowId: filters.executionFilter.workflowId } : {}),
    ...(filters.typeFilter !== undefined ? { typeName: filters.typeFilter.name } : {}),
    ...(filters.typeFilter?.version !== undefined ? { typeVersion: filters.typeFilter.version } : {}),
    ...(filters.tagFilter !== undefined ? { tag: filters.tagFilter.tag } : {}),
    ...(filters.closeStatusFilter !== undefined ? { closeStatus: filters.closeStatusFilter.status } : {}),
    reverse: filters.reverseOrder === true,
    limit,
    ...(filters.nextPageToken !== undefined ? { cursor: filters.nextPageToken } : {}),
  };
}

/**
 * The members a ListOpen/CountOpen input has: a stray closeStatusFilter or closeTimeFilter
 * is ignored, as SWF ignores members its model lacks.
 */
export function openOnly(input: OpenInput): ClosedInput {
  const { domain, startTimeFilter, executionFilter, typeFilter, tagFilter, nextPageToken, maximumPageSize, reverseOrder } = input;
  return { domain, startTimeFilter, executionFilter, typeFilter, tagFilter, nextPageToken, maximumPageSize, reverseOrder };
}

/** Both ends are inclusive ("the oldest/latest start or close date and time to return"). */
const timeRange = (f: ExecutionTimeFilter) => ({
  oldest: millis(f.oldestDate),
  ...(f.latestDate !== undefined ? { latest: millis(f.latestDate) } : {}),
});

async function list(input: ClosedInput, open: boolean, { store }: Services) {
  const query = toQuery(input, open, pageSize(input.maximumPageSize));
  await requireDomain(store, input.domain);
  const page = await store.listExecutions(query);
  return { executionInfos: page.executions.map(executionInfo), ...(page.cursor !== undefined ? { nextPageToken: page.cursor } : {}) };
}

/** Stops at the maxVisibilityCount limit and then says `truncated`, as SWF does past its internal quota. */
async function count(input: ClosedInput, open: boolean, { store, settings }: Services) {
  const cap = settings.limits.maxVisibilityCount;
  const query = toQuery(input, open, cap);
  await requireDomain(store, input.domain);
  const n = await store.countExecutions(query, cap);
  return n > cap ? { count: cap, truncated: true } : { count: n, truncated: false };
}

export const listOpenWorkflowExecutions: Handler<'ListOpenWorkflowExecutions'> = (input, services) => list(openOnly(input), true, services);
export const listClosedWorkflowExecutions: Handler<'ListClosedWorkflowExecutions'> = (input, services) => list(input, false, services);
export const countOpenWorkflowExecutions: Handler<'CountOpenWorkflowExecutions'> = (input, services) => count(openOnly(input), true, services);
export const countClosedWorkflowExecutions: Handler<'CountClosedWorkflowExecutions'> = (input, services) => count(input, false, services);
