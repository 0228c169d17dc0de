/**
 * Shared steps of the execution-control tests (signal, cancel, terminate, activity
 * cancellation): start a run, take one decision task, answer it, expect a fault.
 */
import assert from 'node:assert/strict';
import {
  DescribeWorkflowExecutionCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type ActivityTask,
  type Decision,
  type DecisionTask,
  type HistoryEvent,
  type SWFClient,
  type WorkflowExecution,
  type DescribeWorkflowExecutionCommandOutput,
} from '@aws-sdk/client-swf';
import type { Fixture } from '../helpers/swf.js';

export interface Run {
  workflowId: string;
  runId: string;
}

export async function startRun(swf: SWFClient, f: Fixture, workflowId: string, extra: { childPolicy?: 'TERMINATE' | 'REQUEST_CANCEL' | 'ABANDON'; taskList?: string } = {}): Promise<Run> {
  const out = await swf.send(
    new StartWorkflowExecutionCommand({
      domain: f.domain,
      workflowId,
      workflowType: f.workflowType,
      ...(extra.childPolicy !== undefined ? { childPolicy: extra.childPolicy } : {}),
      ...(extra.taskList !== undefined ? { taskList: { name: extra.taskList } } : {}),
    }),
  );
  assert.ok(out.runId, 'StartWorkflowExecution returned a runId');
  return { workflowId, runId: out.runId };
}

/** Polls for a decision task and insists one comes (of the given run, if named). */
export async function takeDecisionTask(swf: SWFClient, f: Fixture, run?: Run, taskList = f.taskList): Promise<DecisionTask & { taskToken: string }> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList }, identity: 'decider' }));
  assert.ok(task.taskToken, 'a decision task was handed out');
  if (run) assert.deepEqual(task.workflowExecution, run);
  return task as DecisionTask & { taskToken: string };
}

export async function respond(swf: SWFClient, taskToken: string, decisions: Decision[]): Promise<void> {
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken, decisions }));
}

/** Takes the next decision task of `run` and answers it with `decisions`; returns the task. */
export async function decide(swf: SWFClient, f: Fixture, run: Run, decisions: Decision[]): Promise<DecisionTask & { taskToken: string }> {
  const task = await takeDecisionTask(swf, f, run);
  await respond(swf, task.taskToken, decisions);
  return task;
}

export async function takeActivityTask(swf: SWFClient, f: Fixture): Promise<ActivityTask & { taskToken: string }> {
  const task = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'worker' }));
  assert.ok(task.taskToken, 'an activity task was handed out');
  return task as ActivityTask & { taskToken: string };
}

export const scheduleActivity = (f: Fixture, activityId: string, input?: string): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId, ...(input !== undefined ? { input } : {}) },
});

export async function describe(swf: SWFClient, f: Fixture, execution: WorkflowExecution): Promise<DescribeWorkflowExecutionCommandOutput> {
  return swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution }));
}

/** Asserts that `call` fails with the SWF fault `name` (the SDK's err.name). */
export async function expectFault(call: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(call, (err: Error) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    return true;
  });
}

/** The attributes of the one event with that id, with the event's type checked. */
export function eventAt<K extends keyof HistoryEvent>(events: readonly HistoryEvent[], eventId: number, type: string, key: K): NonNullable<HistoryEvent[K]> {
  const e = events.find((x) => x.eventId === eventId);
  assert.ok(e, `no event ${eventId}`);
  assert.equal(e.eventType, type, `event ${eventId}`);
  const attributes = e[key];
  assert.ok(attributes !== undefined, `event ${eventId} has ${String(key)}`);
  return attributes as NonNullable<HistoryEvent[K]>;
}

/** A start-time filter wide enough to take in every run of a test (whatever the server's clock). */
export const startTimeFilter = () => ({ oldestDate: new Date(0), latestDate: new Date(Date.now() + 10 * 365 * 86400_000) });
