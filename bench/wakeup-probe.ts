/** The load benchmark's long-poll wake-up probe (bench/load.ts runs it after each target's run). */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PollForDecisionTaskCommand, RespondDecisionTaskCompletedCommand, StartWorkflowExecutionCommand, type SWFClient } from '@aws-sdk/client-swf';
import type { Fixture } from '../test/helpers/swf.js';

/**
 * Long-poll wake-up on an otherwise idle server, after the run: one decider's poll waits on a
 * task list of its own; a start is sent; wake-up = start acknowledged → that poll answered
 * (both as the client sees them). The 50 ms head start lets the poll reach the server and
 * wait there (the benchmark has no hook into the server); the decision completes the run.
 */
export async function wakeupProbe(newClient: () => SWFClient, f: Fixture, samples = 50): Promise<number[]> {
  const poller = newClient();
  const starter = newClient();
  const taskList = { name: `${f.taskList}-probe` };
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      let answeredAt = 0;
      const poll = poller.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList })).then((task) => {
        answeredAt = performance.now();
        return task;
      });
      await sleep(50);
      await starter.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `probe-${i}`, workflowType: f.workflowType, taskList }));
      const ackedAt = performance.now();
      const task = await poll;
      // No sample when the poll timed out before the start, or brought another run's task (moto
      // hands some decision tasks out twice); that task is left alone.
      if (!task.taskToken || task.workflowExecution?.workflowId !== `probe-${i}`) continue;
      out.push(answeredAt - ackedAt);
      await starter.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions: [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} }] }));
    }
  } catch (err) {
    process.stderr.write(`wake-up probe stopped: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    poller.destroy();
    starter.destroy();
  }
  return out;
}
