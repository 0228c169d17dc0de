/** SignalWorkflowExecution through the SDK: the event, the decision task it earns, the faults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalWorkflowExecutionCommand } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import { attributesAt, complete, decide, respond, startRun, takeDecisionTask } from '../helpers/workflow.js';

const { swf } = await serverForFile();
const f = await registerFixture(swf);

test('a signal to an open run records WorkflowExecutionSignaled and hands the decider a task', async () => {
  const run = await startRun(swf, f, 'sig-open');
  await decide(swf, f, run, []);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'go', input: 'payload' }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(4), ['WorkflowExecutionSignaled', 'DecisionTaskScheduled']);
  assert.deepEqual(attributesAt(events, 5, 'WorkflowExecutionSignaled'), { signalName: 'go', input: 'payload' });
  assert.deepEqual(attributesAt(events, 6, 'DecisionTaskScheduled'), {
    taskList: { name: f.taskList },
    startToCloseTimeout: '60',
  });
  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 7);
  assert.equal(task.previousStartedEventId, 3);
  const signaled = task.events?.find((e) => e.eventType === 'WorkflowExecutionSignaled');
  assert.equal(signaled?.eventId, 5);
  assert.deepEqual(signaled?.workflowExecutionSignaledEventAttributes, { signalName: 'go', input: 'payload' });
  await respond(swf, task.taskToken, [complete('ok')]);
});

test('a signal without input records only the signal name', async () => {
  const run = await startRun(swf, f, 'sig-no-input');
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'ping' }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(attributesAt(events, 3, 'WorkflowExecutionSignaled'), { signalName: 'ping' });
  // A decision task was already scheduled: the signal joins it, no second one is scheduled.
  assert.deepEqual(eventTypes(events), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionSignaled']);
  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 4);
  assert.deepEqual(attributesAt(task.events ?? [], 4, 'DecisionTaskStarted'), { identity: 'decider', scheduledEventId: 2 });
  await respond(swf, task.taskToken, [complete('ok')]);
});

test('a signal to a closed run, or to an unknown one, is UnknownResourceFault', async () => {
  const run = await startRun(swf, f, 'sig-closed');
  await decide(swf, f, run, [complete('ok')]);
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'late' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, signalName: 'late' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'never-started', signalName: 'x' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: 'no-such-domain', workflowId: run.workflowId, signalName: 'x' })), 'UnknownResourceFault');
  // A runId of another workflowId does not name this run.
  const other = await startRun(swf, f, 'sig-other');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'sig-closed', runId: other.runId, signalName: 'x' })), 'UnknownResourceFault');
  assert.deepEqual(eventTypes(await history(swf, f.domain, run)).at(-1), 'WorkflowExecutionCompleted');
  assert.deepEqual(eventTypes(await history(swf, f.domain, other)), ['WorkflowExecutionStarted', 'DecisionTaskScheduled']);
  await decide(swf, f, other, [complete('ok')]);
});

test('a signal by workflowId alone reaches the open run of that id, not a closed earlier one', async () => {
  const first = await startRun(swf, f, 'sig-by-id');
  await decide(swf, f, first, [complete('ok')]);
  const second = await startRun(swf, f, 'sig-by-id');
  assert.notEqual(second.runId, first.runId);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'sig-by-id', signalName: 'hello', input: 'second' }));
  assert.equal(eventTypes(await history(swf, f.domain, first)).includes('WorkflowExecutionSignaled'), false);
  const events = await history(swf, f.domain, second);
  assert.deepEqual(attributesAt(events, 3, 'WorkflowExecutionSignaled'), { signalName: 'hello', input: 'second' });
  await decide(swf, f, second, [complete('ok')]);
});

test('a signal while the decider works makes its close decision fail with UNHANDLED_DECISION; the next task carries the signal', async () => {
  const run = await startRun(swf, f, 'sig-unhandled');
  const first = await takeDecisionTask(swf, f, run);
  assert.equal(first.startedEventId, 3);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'mid', input: 'a' }));
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'mid', input: 'b' }));
  await respond(swf, first.taskToken, [complete('ok')]);

  let events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events), [
    'WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted',
    'WorkflowExecutionSignaled', 'WorkflowExecutionSignaled',
    'DecisionTaskCompleted', 'CompleteWorkflowExecutionFailed', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(attributesAt(events, 6, 'DecisionTaskCompleted'), { scheduledEventId: 2, startedEventId: 3 });
  assert.deepEqual(attributesAt(events, 7, 'CompleteWorkflowExecutionFailed'), {
    cause: 'UNHANDLED_DECISION',
    decisionTaskCompletedEventId: 6,
  });

  const next = await takeDecisionTask(swf, f, run);
  assert.equal(next.startedEventId, 9);
  assert.equal(next.previousStartedEventId, 3);
  const signals = (next.events ?? []).filter((e) => e.eventType === 'WorkflowExecutionSignaled').map((e) => e.workflowExecutionSignaledEventAttributes);
  assert.deepEqual(signals, [{ signalName: 'mid', input: 'a' }, { signalName: 'mid', input: 'b' }]);
  await respond(swf, next.taskToken, [complete('ok')]);
  events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(9), ['DecisionTaskCompleted', 'WorkflowExecutionCompleted']);
  assert.deepEqual(attributesAt(events, 11, 'WorkflowExecutionCompleted'), { result: 'ok', decisionTaskCompletedEventId: 10 });
});

test('a signal missing its signalName is a ValidationException', async () => {
  const run = await startRun(swf, f, 'sig-invalid');
  await expectFault(
    swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: undefined as unknown as string })),
    'ValidationException',
  );
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'x'.repeat(257) })), 'ValidationException');
  await decide(swf, f, run, [complete('ok')]);
});
