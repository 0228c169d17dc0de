/** Small helpers for driving SWF workflows from tests with the AWS SDK. */
import assert from 'node:assert/strict';
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
export function registerFixture(client: SWFClient, overrides: { retentionDays?: string } = {}): Promise<Fixture> {
  return registerFixtureNamed(client, {
    domain: uniqueName('domain'),
    taskList: uniqueName('decisions'),
    activityTaskList: uniqueName('activities'),
    ...(overrides.retentionDays !== undefined ? { retentionDays: overrides.retentionDays } : {}),
  });
}

/** The same fixture under names the caller chooses (tests whose policies name them). */
export async function registerFixtureNamed(
  client: SWFClient,
  names: { domain: string; taskList: string; activityTaskList: string; retentionDays?: string; tags?: { key: string; value: string }[] },
): Promise<Fixture> {
  const { domain, taskList, activityTaskList } = names;
  const workflowType = { name: 'order', version: '1' };
  const activityType = { name: 'step', version: '1' };
  const tags = names.tags ?? [];
  await client.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: names.retentionDays ?? '1', ...(tags.length > 0 ? { tags } : {}) }));
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

/** The attributes of an event: its member `<eventType>EventAttributes`. */
export function attributesOf(e: HistoryEvent): unknown {
  const type = e.eventType ?? '?';
  return e[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes` as keyof HistoryEvent];
}

/** Events as [type, attributes] pairs (ids and timestamps left out): compact to compare, and exact. */
export function describeEvents(events: readonly HistoryEvent[]): [string, unknown][] {
  return events.map((e) => [e.eventType ?? '?', attributesOf(e)]);
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

/**
 * Asserts that `call` fails with the SWF fault `name` as an HTTP 400, and with `message` when
 * given (the exact text, or text that matches).
 */
export async function expectFault(call: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  const err = await faultOf(call);
  assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, 400, `${name} is an HTTP 400`);
  if (typeof message === 'string') assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
}
