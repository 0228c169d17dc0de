/**
 * Shared steps of the time tests: start runs with explicit timeouts, take and answer tasks,
 * read the server's clock, and compare events exactly (attributes and timestamps).
 */
import assert from 'node:assert/strict';
import {
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondDecisionTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  StartWorkflowExecutionCommand,
  type ActivityTask,
  type ChildPolicy,
  type Decision,
  type DecisionTask,
  type HistoryEvent,
  type SWFClient,
} from '@aws-sdk/client-swf';
import type { TestServer } from '../helpers/server.js';
import { describeEvents, history, type Fixture } from '../helpers/swf.js';

export interface Run {
  workflowId: string;
  runId: string;
}

export interface RunTimeouts {
  executionStartToCloseTimeout?: string;
  taskStartToCloseTimeout?: string;
  childPolicy?: ChildPolicy;
  taskList?: string;
}

/** Starts a run; decision tasks never time out unless the test asks (taskStartToCloseTimeout NONE). */
export async function startRun(swf: SWFClient, f: Fixture, workflowId: string, timeouts: RunTimeouts = {}): Promise<Run> {
  const out = await swf.send(
    new StartWorkflowExecutionCommand({
      domain: f.domain,
      workflowId,
      workflowType: f.workflowType,
      executionStartToCloseTimeout: timeouts.executionStartToCloseTimeout ?? '86400',
      taskStartToCloseTimeout: timeouts.taskStartToCloseTimeout ?? 'NONE',
      childPolicy: timeouts.childPolicy ?? 'TERMINATE',
      taskList: { name: timeouts.taskList ?? f.taskList },
    }),
  );
  assert.ok(out.runId, 'StartWorkflowExecution returned a runId');
  return { workflowId, runId: out.runId };
}

export type TakenDecisionTask = DecisionTask & { taskToken: string };

/** Polls a decision task list and insists a task of `run` comes. */
export async function takeDecisionTask(swf: SWFClient, f: Fixture, run: Run, taskList = f.taskList): Promise<TakenDecisionTask> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList }, identity: 'decider' }));
  assert.ok(task.taskToken, `a decision task was handed out on ${taskList}`);
  assert.deepEqual(task.workflowExecution, run);
  return task as TakenDecisionTask;
}

/** Polls a decision task list and insists it is empty (the poll times out with no task). */
export async function expectNoDecisionTask(swf: SWFClient, f: Fixture, taskList = f.taskList): Promise<void> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList } }));
  assert.equal(task.taskToken, '', `no decision task expected on ${taskList}`);
}

export async function respond(swf: SWFClient, taskToken: string, decisions: Decision[], extra: { taskList?: string; taskListScheduleToStartTimeout?: string } = {}): Promise<void> {
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken,
      decisions,
      ...(extra.taskList !== undefined ? { taskList: { name: extra.taskList } } : {}),
      ...(extra.taskListScheduleToStartTimeout !== undefined ? { taskListScheduleToStartTimeout: extra.taskListScheduleToStartTimeout } : {}),
    }),
  );
}

/** Takes the next decision task of `run` and answers it with `decisions`. */
export async function decide(swf: SWFClient, f: Fixture, run: Run, decisions: Decision[]): Promise<TakenDecisionTask> {
  const task = await takeDecisionTask(swf, f, run);
  await respond(swf, task.taskToken, decisions);
  return task;
}

export type TakenActivityTask = ActivityTask & { taskToken: string };

export async function takeActivityTask(swf: SWFClient, f: Fixture, activityId: string): Promise<TakenActivityTask> {
  const task = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'worker' }));
  assert.ok(task.taskToken, 'an activity task was handed out');
  assert.equal(task.activityId, activityId);
  return task as TakenActivityTask;
}

export async function expectNoActivityTask(swf: SWFClient, f: Fixture): Promise<void> {
  const task = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }));
  assert.equal(task.taskToken, '', 'no activity task expected');
}

export async function signal(swf: SWFClient, f: Fixture, run: Run, signalName = 'poke'): Promise<void> {
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, runId: run.runId, signalName }));
}

export const startTimer = (timerId: string, startToFireTimeout: string): Decision => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout },
});

export const cancelTimer = (timerId: string): Decision => ({ decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId } });

export interface ActivityTimeouts {
  scheduleToStartTimeout?: string;
  scheduleToCloseTimeout?: string;
  startToCloseTimeout?: string;
  heartbeatTimeout?: string;
}

export const scheduleActivity = (f: Fixture, activityId: string, timeouts: ActivityTimeouts): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId, ...timeouts },
});

/** The server's clock, epoch milliseconds. */
export async function serverNow(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/admin/clock`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { now: number };
  return Math.round(body.now * 1000);
}

/** Advances the virtual clock and returns its new time in epoch milliseconds. */
export async function advance(server: TestServer, seconds: number): Promise<number> {
  return Math.round((await server.advance(seconds)).now * 1000);
}

/** The run's events from `fromEventId` on, as [type, attributes] pairs: exact and compact. */
export async function eventsFrom(swf: SWFClient, f: Fixture, run: Run, fromEventId: number): Promise<[string, unknown][]> {
  return describeEvents((await history(swf, f.domain, run)).filter((e) => (e.eventId ?? 0) >= fromEventId));
}

/** The event with that id, its type checked. */
export function eventAt(events: readonly HistoryEvent[], eventId: number, type: string): HistoryEvent {
  const e = events.find((x) => x.eventId === eventId);
  assert.ok(e, `no event ${eventId}`);
  assert.equal(e.eventType, type, `event ${eventId}`);
  return e;
}

/** Epoch milliseconds of an event. */
export const timeOf = (e: HistoryEvent): number => e.eventTimestamp?.getTime() ?? Number.NaN;

/** The one event of a type; fails if there is none or more than one. */
export function onlyOf(events: readonly HistoryEvent[], type: string): HistoryEvent {
  const found = events.filter((e) => e.eventType === type);
  assert.equal(found.length, 1, `exactly one ${type} expected, found ${found.length}`);
  return found[0] as HistoryEvent;
}
