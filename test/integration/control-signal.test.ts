/** SignalWorkflowExecution through the SDK: the event, the decision task it earns, the faults. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalWorkflowExecutionCommand, type SWFClient } from '@aws-sdk/client-swf';
import { TestServer } from '../helpers/server.js';
import { eventTypes, history, registerFixture, type Fixture } from '../helpers/swf.js';
import { decide, eventAt, expectFault, respond, startRun, takeDecisionTask } from './control-support.js';

let server: TestServer;
let swf: SWFClient;
let f: Fixture;

before(async () => {
  server = await TestServer.start();
  swf = server.client();
  f = await registerFixture(swf);
});
after(() => server.dispose());

const complete = [{ decisionType: 'CompleteWorkflowExecution' as const, completeWorkflowExecutionDecisionAttributes: { result: 'ok' } }];

test('a signal to an open run records WorkflowExecutionSignaled and hands the decider a task', async () => {
  const run = await startRun(swf, f, 'sig-open');
  await decide(swf, f, run, []);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'go', input: 'payload' }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(4), ['WorkflowExecutionSignaled', 'DecisionTaskScheduled']);
  assert.deepEqual(eventAt(events, 5, 'WorkflowExecutionSignaled', 'workflowExecutionSignaledEventAttributes'), { signalName: 'go', input: 'payload' });
  assert.deepEqual(eventAt(events, 6, 'DecisionTaskScheduled', 'decisionTaskScheduledEventAttributes'), {
    taskList: { name: f.taskList },
    startToCloseTimeout: '60',
  });
  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 7);
  assert.equal(task.previousStartedEventId, 3);
  const signaled = task.events?.find((e) => e.eventType === 'WorkflowExecutionSignaled');
  assert.equal(signaled?.eventId, 5);
  assert.deepEqual(signaled?.workflowExecutionSignaledEventAttributes, { signalName: 'go', input: 'payload' });
  await respond(swf, task.taskToken, complete);
});

test('a signal without input records only the signal name', async () => {
  const run = await startRun(swf, f, 'sig-no-input');
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'ping' }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventAt(events, 3, 'WorkflowExecutionSignaled', 'workflowExecutionSignaledEventAttributes'), { signalName: 'ping' });
  // A decision task was already scheduled: the signal joins it, no second one is scheduled.
  assert.deepEqual(eventTypes(events), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionSignaled']);
  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 4);
  assert.deepEqual(eventAt(task.events ?? [], 4, 'DecisionTaskStarted', 'decisionTaskStartedEventAttributes'), { identity: 'decider', scheduledEventId: 2 });
  await respond(swf, task.taskToken, complete);
});

test('a signal to a closed run, or to an unknown one, is UnknownResourceFault', async () => {
  const run = await startRun(swf, f, 'sig-closed');
  await decide(swf, f, run, complete);
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'late' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, signalName: 'late' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'never-started', signalName: 'x' })), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: 'no-such-domain', workflowId: run.workflowId, signalName: 'x' })), 'UnknownResourceFault');
  // A runId of another workflowId does not name this run.
  const other = await startRun(swf, f, 'sig-other');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'sig-closed', runId: other.runId, signalName: 'x' })), 'UnknownResourceFault');
  assert.deepEqual(eventTypes(await history(swf, f.domain, run)).at(-1), 'WorkflowExecutionCompleted');
  assert.deepEqual(eventTypes(await history(swf, f.domain, other)), ['WorkflowExecutionStarted', 'DecisionTaskScheduled']);
  await decide(swf, f, other, complete);
});

test('a signal by workflowId alone reaches the open run of that id, not a closed earlier one', async () => {
  const first = await startRun(swf, f, 'sig-by-id');
  await decide(swf, f, first, complete);
  const second = await startRun(swf, f, 'sig-by-id');
  assert.notEqual(second.runId, first.runId);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'sig-by-id', signalName: 'hello', input: 'second' }));
  assert.equal(eventTypes(await history(swf, f.domain, first)).includes('WorkflowExecutionSignaled'), false);
  const events = await history(swf, f.domain, second);
  assert.deepEqual(eventAt(events, 3, 'WorkflowExecutionSignaled', 'workflowExecutionSignaledEventAttributes'), { signalName: 'hello', input: 'second' });
  await decide(swf, f, second, complete);
});

test('a signal while the decider works makes its close decision fail with UNHANDLED_DECISION; the next task carries the signal', async () => {
  const run = await startRun(swf, f, 'sig-unhandled');
  const first = await takeDecisionTask(swf, f, run);
  assert.equal(first.startedEventId, 3);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'mid', input: 'a' }));
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'mid', input: 'b' }));
  await respond(swf, first.taskToken, complete);

  let events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events), [
    'WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted',
    'WorkflowExecutionSignaled', 'WorkflowExecutionSignaled',
    'DecisionTaskCompleted', 'CompleteWorkflowExecutionFailed', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(eventAt(events, 6, 'DecisionTaskCompleted', 'decisionTaskCompletedEventAttributes'), { scheduledEventId: 2, startedEventId: 3 });
  assert.deepEqual(eventAt(events, 7, 'CompleteWorkflowExecutionFailed', 'completeWorkflowExecutionFailedEventAttributes'), {
    cause: 'UNHANDLED_DECISION',
    decisionTaskCompletedEventId: 6,
  });

  const next = await takeDecisionTask(swf, f, run);
  assert.equal(next.startedEventId, 9);
  assert.equal(next.previousStartedEventId, 3);
  const signals = (next.events ?? []).filter((e) => e.eventType === 'WorkflowExecutionSignaled').map((e) => e.workflowExecutionSignaledEventAttributes);
  assert.deepEqual(signals, [{ signalName: 'mid', input: 'a' }, { signalName: 'mid', input: 'b' }]);
  await respond(swf, next.taskToken, complete);
  events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(9), ['DecisionTaskCompleted', 'WorkflowExecutionCompleted']);
  assert.deepEqual(eventAt(events, 11, 'WorkflowExecutionCompleted', 'workflowExecutionCompletedEventAttributes'), { result: 'ok', decisionTaskCompletedEventId: 10 });
});

test('a signal missing its signalName is a ValidationException', async () => {
  const run = await startRun(swf, f, 'sig-invalid');
  await expectFault(
    swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: undefined as unknown as string })),
    'ValidationException',
  );
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'x'.repeat(257) })), 'ValidationException');
  await decide(swf, f, run, complete);
});
