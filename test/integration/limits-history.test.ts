/**
 * The history limit (SWF: 25,000 events, a setting here): the event that brings a history to
 * one short of the limit is followed by WorkflowExecutionTerminated with cause
 * EVENT_LIMIT_EXCEEDED, the last event the history holds. Run with a limit of 12.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListClosedWorkflowExecutionsCommand, SignalWorkflowExecutionCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { describeEvents, expectFault, history, registerFixture } from '../helpers/swf.js';
import { decide, describeRun, ever, expectNoDecisionTask, NOTHING_OPEN, startOn } from '../helpers/workflow.js';

const LIMIT = 12;

test(`a run whose history reaches ${LIMIT} events is terminated with cause EVENT_LIMIT_EXCEEDED`, async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', `maxEventsPerHistory=${LIMIT}`] });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'chatty');
  // Events 1-2: started, decision task scheduled. Each signal adds one event (the decision
  // task is already scheduled): signal 9 writes event 11, and event 12 ends the run.
  for (let i = 1; i <= 9; i++) {
    await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'chatty', signalName: `s${i}` }));
  }
  const events = await history(swf, f.domain, run);
  assert.equal(events.length, LIMIT);
  assert.deepEqual(events.map((e) => e.eventId), Array.from({ length: LIMIT }, (_, i) => i + 1));
  assert.deepEqual(describeEvents(events).slice(-2), [
    ['WorkflowExecutionSignaled', { signalName: 's9' }],
    ['WorkflowExecutionTerminated', { childPolicy: 'TERMINATE', cause: 'EVENT_LIMIT_EXCEEDED' }],
  ]);
  const described = await describeRun(swf, f, run);
  assert.equal(described.executionInfo?.executionStatus, 'CLOSED');
  assert.equal(described.executionInfo?.closeStatus, 'TERMINATED');
  assert.deepEqual(described.openCounts, NOTHING_OPEN);
  const closed = await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever, closeStatusFilter: { status: 'TERMINATED' } }));
  assert.equal(closed.executionInfos?.length, 1);

  // The run is closed: signals are refused, and its decision task is gone.
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'chatty', signalName: 'late' })), 'UnknownResourceFault');
  await expectNoDecisionTask(swf, f, run.taskList);
});

test('the limit counts every kind of event: a decision task round trip can reach it too', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxEventsPerHistory=8'] });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'marker');
  // 1 started, 2 scheduled, 3 started, 4 completed, 5-7 markers: 7 events, then the end.
  await decide(swf, f, run, ['a', 'b', 'c'].map((markerName) => ({ decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName } })));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(describeEvents(events).map(([type]) => type), [
    'WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted',
    'MarkerRecorded', 'MarkerRecorded', 'MarkerRecorded', 'WorkflowExecutionTerminated',
  ]);
  assert.deepEqual(describeEvents(events)[7], ['WorkflowExecutionTerminated', { childPolicy: 'TERMINATE', cause: 'EVENT_LIMIT_EXCEEDED' }]);
});
