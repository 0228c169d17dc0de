/**
 * The pure side of the decision pseudo-API: the engine asks `DecisionEnv.permitted` about each
 * decision with its condition keys (a type default standing in for an omitted task list), and
 * a denied decision becomes its *Failed event with OPERATION_NOT_PERMITTED, nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionType } from '../../src/model/shapes.js';
import type { DecisionConditionKeys } from '../../src/engine/index.js';
import { EngineRun, decisionEnv, described, scheduleActivity, startTimer } from '../helpers/engine.js';

test('each decision is asked about with its keys; a denied one records its failure and nothing else', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  const asked: Array<[DecisionType, DecisionConditionKeys]> = [];
  const env = {
    ...decisionEnv(),
    permitted: (decision: DecisionType, keys: DecisionConditionKeys) => {
      asked.push([decision, keys]);
      return decision !== 'StartTimer' && keys['swf:taskList.name'] !== 'forbidden';
    },
  };
  const completedEventId = run.state.nextEventId;
  const step = run.decide([scheduleActivity('a1'), scheduleActivity('a2', { taskList: { name: 'forbidden' } }), startTimer('t', '10')], env);
  assert.deepEqual(asked, [
    ['ScheduleActivityTask', { 'swf:activityType.name': 'step', 'swf:activityType.version': '1', 'swf:taskList.name': 'activities' }],
    ['ScheduleActivityTask', { 'swf:activityType.name': 'step', 'swf:activityType.version': '1', 'swf:taskList.name': 'forbidden' }],
    ['StartTimer', {}],
  ]);
  const events = described(step.events);
  assert.equal(events[1]?.[0], 'ActivityTaskScheduled');
  assert.deepEqual(events.slice(2), [
    ['ScheduleActivityTaskFailed', { activityType: { name: 'step', version: '1' }, activityId: 'a2', cause: 'OPERATION_NOT_PERMITTED', decisionTaskCompletedEventId: completedEventId }],
    ['StartTimerFailed', { timerId: 't', cause: 'OPERATION_NOT_PERMITTED', decisionTaskCompletedEventId: completedEventId }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(Object.keys(run.state.activities), ['a1']);
  assert.deepEqual(Object.keys(run.state.timers), []);
  assert.equal(step.effects.filter((e) => e.type === 'enqueueTask' && e.task.kind === 'activity').length, 1);
});

test('without a permission function every decision is judged as before', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  const step = run.decide([startTimer('t', '10')], decisionEnv());
  assert.ok(step.events.some((e) => e.eventType === 'TimerStarted'));
});
