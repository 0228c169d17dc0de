/** Shared steps of the visibility, retention and limit tests. */
import assert from 'node:assert/strict';
import {
  PollForDecisionTaskCommand,
  RegisterWorkflowTypeCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type Decision,
  type DecisionTask,
  type SWFClient,
  type WorkflowExecutionInfo,
} from '@aws-sdk/client-swf';
import { uniqueName, type Fixture } from '../helpers/swf.js';

export interface Run {
  workflowId: string;
  runId: string;
}

export interface StartOptions {
  workflowType?: { name: string; version: string };
  tagList?: string[];
  /** A task list of the run's own, so its decision tasks can be taken in any order. */
  taskList?: string;
  executionStartToCloseTimeout?: string;
}

/** Starts a run; by default on a task list of its own (returned as `taskList`). */
export async function start(swf: SWFClient, f: Fixture, workflowId: string, options: StartOptions = {}): Promise<Run & { taskList: string }> {
  const taskList = options.taskList ?? uniqueName(`tl-${workflowId}`);
  const out = await swf.send(
    new StartWorkflowExecutionCommand({
      domain: f.domain,
      workflowId,
      workflowType: options.workflowType ?? f.workflowType,
      taskList: { name: taskList },
      ...(options.tagList !== undefined ? { tagList: options.tagList } : {}),
      ...(options.executionStartToCloseTimeout !== undefined ? { executionStartToCloseTimeout: options.executionStartToCloseTimeout } : {}),
    }),
  );
  assert.ok(out.runId);
  return { workflowId, runId: out.runId, taskList };
}

/** Takes the next decision task of `run` from its task list and answers it with `decisions`. */
export async function decide(swf: SWFClient, f: Fixture, run: Run & { taskList: string }, decisions: Decision[]): Promise<DecisionTask> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: run.taskList } }));
  assert.ok(task.taskToken, `a decision task for ${run.workflowId}`);
  assert.deepEqual(task.workflowExecution, { workflowId: run.workflowId, runId: run.runId });
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions }));
  return task;
}

/** Registers another workflow type in the fixture's domain, with the fixture's defaults. */
export async function registerWorkflowType(swf: SWFClient, f: Fixture, name: string, version: string): Promise<void> {
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain: f.domain,
      name,
      version,
      defaultTaskList: { name: f.taskList },
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '60',
      defaultChildPolicy: 'TERMINATE',
    }),
  );
}

/** The workflowIds of listed executions, in the order listed. */
export const workflowIds = (infos: readonly WorkflowExecutionInfo[] | undefined): string[] => (infos ?? []).map((i) => i.execution?.workflowId ?? '?');

/** The server's clock, in epoch seconds. */
export async function serverNow(url: string): Promise<number> {
  const res = await fetch(`${url}/admin/clock`);
  return ((await res.json()) as { now: number }).now;
}

/** Runs `fn` over `items` with at most `concurrency` calls under way. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
