/**
 * What only the time tests need: runs started with explicit timeouts, the server's clock in
 * epoch milliseconds, and event times. (Their decider and worker steps are
 * test/helpers/workflow.ts.)
 */
import assert from 'node:assert/strict';
import { SignalWorkflowExecutionCommand, type ChildPolicy, type HistoryEvent, type SWFClient } from '@aws-sdk/client-swf';
import type { TestServer } from '../helpers/server.js';
import type { Fixture } from '../helpers/swf.js';
import { startRun, type Run } from '../helpers/workflow.js';

export interface RunTimeouts {
  executionStartToCloseTimeout?: string;
  taskStartToCloseTimeout?: string;
  childPolicy?: ChildPolicy;
}

/**
 * Starts a run on the fixture's task list with every timeout given: a day to run, and decision
 * tasks that never time out unless the test asks (taskStartToCloseTimeout NONE).
 */
export async function startTimedRun(swf: SWFClient, f: Fixture, workflowId: string, timeouts: RunTimeouts = {}): Promise<Run> {
  return startRun(swf, f, workflowId, {
    executionStartToCloseTimeout: timeouts.executionStartToCloseTimeout ?? '86400',
    taskStartToCloseTimeout: timeouts.taskStartToCloseTimeout ?? 'NONE',
    childPolicy: timeouts.childPolicy ?? 'TERMINATE',
    taskList: { name: f.taskList },
  });
}

export interface ActivityTimeouts {
  scheduleToStartTimeout?: string;
  scheduleToCloseTimeout?: string;
  startToCloseTimeout?: string;
  heartbeatTimeout?: string;
}

export async function signal(swf: SWFClient, f: Fixture, run: Run, signalName = 'poke'): Promise<void> {
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, runId: run.runId, signalName }));
}

/** The server's clock, epoch milliseconds. */
export async function serverNow(server: TestServer): Promise<number> {
  return Math.round((await server.now()) * 1000);
}

/** Advances the virtual clock and returns its new time in epoch milliseconds. */
export async function advance(server: TestServer, seconds: number): Promise<number> {
  return Math.round((await server.advance(seconds)).now * 1000);
}

/** Epoch milliseconds of an event. */
export const timeOf = (e: HistoryEvent): number => e.eventTimestamp?.getTime() ?? Number.NaN;

/** The one event of a type; fails if there is none or more than one. */
export function onlyOf(events: readonly HistoryEvent[], type: string): HistoryEvent {
  const found = events.filter((e) => e.eventType === type);
  assert.equal(found.length, 1, `exactly one ${type} expected, found ${found.length}`);
  return found[0] as HistoryEvent;
}
