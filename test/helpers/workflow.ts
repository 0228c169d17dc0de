/**
 * The steps a decider and a worker take, for tests that drive workflows through the SDK:
 * start runs, take tasks (insisting that they come) and answer them, read what happened, and
 * build decisions. Polls name the identities DECIDER and WORKER, which histories record.
 */
import assert from 'node:assert/strict';
import {
  DescribeWorkflowExecutionCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RegisterWorkflowTypeCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type ActivityTask,
  type Decision,
  type DecisionTask,
  type DescribeWorkflowExecutionCommandOutput,
  type ExecutionTimeFilter,
  type HistoryEvent,
  type RespondDecisionTaskCompletedInput,
  type ScheduleActivityTaskDecisionAttributes,
  type StartChildWorkflowExecutionDecisionAttributes,
  type StartWorkflowExecutionInput,
  type SWFClient,
  type WorkflowExecutionOpenCounts,
} from '@aws-sdk/client-swf';
import { attributesOf, describeEvents, history, uniqueName, type Fixture } from './swf.js';

export const DECIDER = 'decider';
export const WORKER = 'worker';

/** A run; with `taskList` when its decision tasks come on a list of its own, not its type's default. */
export interface Run {
  workflowId: string;
  runId: string;
  taskList?: string;
}

export type TakenDecisionTask = DecisionTask & { taskToken: string; workflowExecution: Run };
export type TakenActivityTask = ActivityTask & { taskToken: string };

/** Members of StartWorkflowExecution besides the domain and the workflowId. */
export type StartInput = Partial<Omit<StartWorkflowExecutionInput, 'domain' | 'workflowId'>>;

/** Starts a run of the fixture's workflow type; `input` adds to or overrides the call's members. */
export async function startRun(swf: SWFClient, f: Fixture, workflowId: string, input: StartInput = {}): Promise<Run> {
  const out = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId, workflowType: f.workflowType, ...input }));
  assert.ok(out.runId, 'StartWorkflowExecution returned a runId');
  return { workflowId, runId: out.runId };
}

/**
 * Starts a run on a task list of its own (unless `input` names one), so that its decision tasks
 * come to no other poll and can be taken in any order.
 */
export async function startOn(swf: SWFClient, f: Fixture, workflowId: string, input: StartInput = {}): Promise<Run & { taskList: string }> {
  const taskList = input.taskList?.name ?? uniqueName(`tl-${workflowId}`);
  return { ...(await startRun(swf, f, workflowId, { ...input, taskList: { name: taskList } })), taskList };
}

/**
 * Polls for a decision task and insists that one comes. `from` a run: that run's next task, on
 * the run's own task list if it has one, else the fixture's. `from` a task list name: the next
 * task on that list, whichever run it belongs to.
 */
export async function takeDecisionTask(swf: SWFClient, f: Fixture, from: Run | string = f.taskList, identity = DECIDER): Promise<TakenDecisionTask> {
  const taskList = typeof from === 'string' ? from : (from.taskList ?? f.taskList);
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList }, identity }));
  assert.ok(task.taskToken, `a decision task was handed out on ${taskList}`);
  if (typeof from !== 'string') assert.deepEqual(task.workflowExecution, { workflowId: from.workflowId, runId: from.runId });
  return task as TakenDecisionTask;
}

/** What an SDK answer held on the wire: its members without the SDK's `$metadata`. */
function wireMembers(answer: object): Record<string, unknown> {
  const { $metadata: _, ...members } = answer as Record<string, unknown>;
  return members;
}

/** An empty decision poll's answer is exactly this: no task member at all (no taskToken, no events). */
export function assertEmptyDecisionTask(task: DecisionTask, what = 'an empty decision poll'): void {
  assert.deepEqual(wireMembers(task), { previousStartedEventId: 0, startedEventId: 0 }, what);
}

/** An empty activity poll's answer is exactly `{startedEventId: 0}`. */
export function assertEmptyActivityTask(task: ActivityTask, what = 'an empty activity poll'): void {
  assert.deepEqual(wireMembers(task), { startedEventId: 0 }, what);
}

/** Polls a decision task list (the fixture's unless named) and insists that it stays empty. */
export async function expectNoDecisionTask(swf: SWFClient, f: Fixture, taskList = f.taskList): Promise<void> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList } }));
  assertEmptyDecisionTask(task, `no decision task expected on ${taskList}`);
}

/** Answers a decision task; `extra` adds the call's other members (a task list override, a context). */
export async function respond(
  swf: SWFClient,
  taskToken: string,
  decisions: Decision[],
  extra: Omit<RespondDecisionTaskCompletedInput, 'taskToken' | 'decisions'> = {},
): Promise<void> {
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken, decisions, ...extra }));
}

/** Takes the next decision task `from` a run or a task list (see takeDecisionTask) and answers it. */
export async function decide(swf: SWFClient, f: Fixture, from: Run | string, decisions: Decision[]): Promise<TakenDecisionTask> {
  const task = await takeDecisionTask(swf, f, from);
  await respond(swf, task.taskToken, decisions);
  return task;
}

/** Polls the fixture's activity task list and insists that a task comes (with `activityId`, if named). */
export async function takeActivityTask(swf: SWFClient, f: Fixture, activityId?: string, identity = WORKER): Promise<TakenActivityTask> {
  const task = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity }));
  assert.ok(task.taskToken, 'an activity task was handed out');
  if (activityId !== undefined) assert.equal(task.activityId, activityId);
  return task as TakenActivityTask;
}

/** Polls the fixture's activity task list and insists that it stays empty. */
export async function expectNoActivityTask(swf: SWFClient, f: Fixture): Promise<void> {
  const task = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }));
  assertEmptyActivityTask(task, 'no activity task expected');
}

export async function describeRun(swf: SWFClient, f: Fixture, run: Run): Promise<DescribeWorkflowExecutionCommandOutput> {
  return swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: { workflowId: run.workflowId, runId: run.runId } }));
}

/** The open counts of a run with nothing open (a closed run's). */
export const NOTHING_OPEN: WorkflowExecutionOpenCounts = {
  openActivityTasks: 0,
  openDecisionTasks: 0,
  openTimers: 0,
  openChildWorkflowExecutions: 0,
  openLambdaFunctions: 0,
};

/** A time filter that takes in every run, however far a virtual clock has moved. */
export const ever: ExecutionTimeFilter = { oldestDate: new Date(0) };

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

/** The attributes of the event with that id, its type checked. */
export function attributesAt(events: readonly HistoryEvent[], eventId: number, type: string): unknown {
  const attributes = attributesOf(eventAt(events, eventId, type));
  assert.ok(attributes !== undefined, `event ${eventId} has its ${type} attributes`);
  return attributes;
}

/** Registers another workflow type in the fixture's domain: with the fixture's defaults, or (`defaults` false) none. */
export async function registerWorkflowType(swf: SWFClient, f: Fixture, name: string, version: string, defaults = true): Promise<{ name: string; version: string }> {
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain: f.domain,
      name,
      version,
      ...(defaults
        ? {
            defaultTaskList: { name: f.taskList },
            defaultExecutionStartToCloseTimeout: '3600',
            defaultTaskStartToCloseTimeout: '60',
            defaultChildPolicy: 'TERMINATE',
          }
        : {}),
    }),
  );
  return { name, version };
}

// Decisions. Optional members left undefined are left out of the decision.

export const complete = (result?: string): Decision => ({
  decisionType: 'CompleteWorkflowExecution',
  ...(result !== undefined ? { completeWorkflowExecutionDecisionAttributes: { result } } : {}),
});

export const fail = (reason: string, details?: string): Decision => ({
  decisionType: 'FailWorkflowExecution',
  failWorkflowExecutionDecisionAttributes: { reason, ...(details !== undefined ? { details } : {}) },
});

export const cancel = (details?: string): Decision => ({
  decisionType: 'CancelWorkflowExecution',
  ...(details !== undefined ? { cancelWorkflowExecutionDecisionAttributes: { details } } : {}),
});

export const startTimer = (timerId: string, startToFireTimeout: string): Decision => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout },
});

export const cancelTimer = (timerId: string): Decision => ({ decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId } });

/** Schedules the fixture's activity type; `extra` adds the other attributes (input, timeouts...). */
export const scheduleActivity = (f: Fixture, activityId: string, extra: Partial<ScheduleActivityTaskDecisionAttributes> = {}): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId, ...extra },
});

export const startChild = (
  workflowId: string,
  workflowType: { name: string; version: string },
  extra: Partial<StartChildWorkflowExecutionDecisionAttributes> = {},
): Decision => ({
  decisionType: 'StartChildWorkflowExecution',
  startChildWorkflowExecutionDecisionAttributes: { workflowId, workflowType, ...extra },
});
