/** Small helpers for driving SWF workflows from tests with the AWS SDK. */
import {
  GetWorkflowExecutionHistoryCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  type HistoryEvent,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { randomUUID } from 'node:crypto';

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface Fixture {
  domain: string;
  workflowType: { name: string; version: string };
  activityType: { name: string; version: string };
  taskList: string;
  activityTaskList: string;
}

/** A domain with one workflow type and one activity type, all defaults set. */
export async function registerFixture(client: SWFClient, overrides: { retentionDays?: string } = {}): Promise<Fixture> {
  const domain = uniqueName('domain');
  const taskList = uniqueName('decisions');
  const activityTaskList = uniqueName('activities');
  const workflowType = { name: 'order', version: '1' };
  const activityType = { name: 'step', version: '1' };
  await client.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: overrides.retentionDays ?? '1' }));
  await client.send(
    new RegisterWorkflowTypeCommand({
      domain,
      ...workflowType,
      defaultTaskList: { name: taskList },
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '60',
      defaultChildPolicy: 'TERMINATE',
    }),
  );
  await client.send(
    new RegisterActivityTypeCommand({
      domain,
      ...activityType,
      defaultTaskList: { name: activityTaskList },
      defaultTaskScheduleToStartTimeout: 'NONE',
      defaultTaskScheduleToCloseTimeout: 'NONE',
      defaultTaskStartToCloseTimeout: '300',
      defaultTaskHeartbeatTimeout: 'NONE',
    }),
  );
  return { domain, workflowType, activityType, taskList, activityTaskList };
}

/** The whole history of a run, every page. */
export async function history(client: SWFClient, domain: string, execution: { workflowId: string; runId: string }): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await client.send(new GetWorkflowExecutionHistoryCommand({ domain, execution, nextPageToken }));
    events.push(...(page.events ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return events;
}

export const eventTypes = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.eventType ?? '?');

/** The attributes of the last event of a type. */
export function lastOf<K extends keyof HistoryEvent>(events: readonly HistoryEvent[], type: string, key: K): NonNullable<HistoryEvent[K]> {
  const e = [...events].reverse().find((x) => x.eventType === type);
  if (!e || e[key] === undefined) throw new Error(`no ${type} event in ${eventTypes(events).join(', ')}`);
  return e[key] as NonNullable<HistoryEvent[K]>;
}

/** Events as [type, attributes] pairs (ids and timestamps left out): compact to compare, and exact. */
export function describeEvents(events: readonly HistoryEvent[]): [string, unknown][] {
  return events.map((e) => {
    const type = e.eventType ?? '?';
    const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes` as keyof HistoryEvent;
    return [type, e[key]];
  });
}

/** The error a call failed with; fails the test if it succeeded. `err.name` is the SWF fault name. */
export async function faultOf(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
