import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  DescribeWorkflowExecutionCommand,
} from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { eventTypes, history, registerFixture } from '../helpers/swf.js';

test('a one-activity workflow runs end to end through the SDK', async (t) => {
  const { swf } = await serverForTest(t);
  const f = await registerFixture(swf);
  const { runId } = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w1', workflowType: f.workflowType, input: 'in' }));
  assert.ok(runId);
  const d1 = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  assert.equal(d1.startedEventId, 3);
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: d1.taskToken,
      decisions: [{ decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: 'a1', input: 'x' } }],
    }),
  );
  const a = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }));
  assert.equal(a.activityId, 'a1');
  assert.equal(a.input, 'x');
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: 'done' }));
  const d2 = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  assert.equal(d2.previousStartedEventId, 3);
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: d2.taskToken,
      decisions: [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'ok' } }],
    }),
  );
  const execution = { workflowId: 'w1', runId: runId as string };
  assert.deepEqual(eventTypes(await history(swf, f.domain, execution)), [
    'WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted',
    'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted', 'DecisionTaskScheduled',
    'DecisionTaskStarted', 'DecisionTaskCompleted', 'WorkflowExecutionCompleted',
  ]);
  const described = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution }));
  assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
});
