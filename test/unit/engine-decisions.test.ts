/**
 * Decisions of the core: ScheduleActivityTask (and each of its failure causes), StartTimer,
 * CancelTimer, RecordMarker, and a timer firing. Bad decisions are not faults: they become
 * `*Failed` events with a cause, and a new decision task follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityTypeConfiguration, Decision } from '../../src/model/shapes.js';
import { fireTimeout, signal, type DecisionEnv } from '../../src/engine/index.js';
import {
  ACTIVITY_TYPE,
  EngineRun,
  FULL_ACTIVITY_DEFAULTS,
  T0,
  cancelTimer,
  decisionEnv,
  described,
  eventTypesOf,
  scheduleActivity,
  seconds,
  startTimer,
} from '../helpers/engine.js';

/** A run whose first decision task is started (DecisionTaskStarted is event 3). */
function startedRun(): EngineRun {
  const { run } = EngineRun.start();
  run.startDecision();
  return run;
}

const NEXT_DECISION_TASK = ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }];

test('ScheduleActivityTask takes the type defaults: event, task, deadlines, state', () => {
  const run = startedRun();
  run.now += 2_000;
  const step = run.decide([scheduleActivity('a1', { input: 'in', control: 'ctl' })]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    [
      'ActivityTaskScheduled',
      {
        activityType: ACTIVITY_TYPE,
        activityId: 'a1',
        input: 'in',
        control: 'ctl',
        scheduleToStartTimeout: '30',
        scheduleToCloseTimeout: '600',
        startToCloseTimeout: '300',
        taskList: { name: 'activities' },
        decisionTaskCompletedEventId: 4,
        heartbeatTimeout: 'NONE',
      },
    ],
  ]);
  const now = T0 + 2_000;
  assert.deepEqual(step.effects.slice(2), [
    {
      type: 'enqueueTask',
      task: { token: 'id-2', kind: 'activity', domain: 'dom', taskList: 'activities', priority: 0, runId: 'run-1', scheduledEventId: 5 },
    },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'activityScheduleToStart', ref: '5' }, dueAt: now + 30_000 },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'activityScheduleToClose', ref: '5' }, dueAt: now + 600_000 },
  ]);
  assert.deepEqual(run.state.activities.a1, {
    activityId: 'a1',
    activityType: ACTIVITY_TYPE,
    scheduledEventId: 5,
    token: 'id-2',
    taskList: 'activities',
    input: 'in',
    scheduleToStartTimeout: '30',
    scheduleToCloseTimeout: '600',
    startToCloseTimeout: '300',
    heartbeatTimeout: 'NONE',
  });
  assert.deepEqual(run.tokenClaims.get('id-2'), { kind: 'activity', domain: 'dom', workflowId: 'wf', runId: 'run-1', scheduledEventId: 5 });
  assert.equal(run.state.latestActivityTaskTimestamp, now);
  // Scheduling needs no decision: the decider hears of the activity when it closes.
  assert.equal(run.state.decision.scheduled, undefined);
});

test('ScheduleActivityTask: the decision overrides every default of the type', () => {
  const run = startedRun();
  const step = run.decide([
    scheduleActivity('a1', {
      taskList: { name: 'special' },
      taskPriority: '5',
      scheduleToStartTimeout: 'NONE',
      scheduleToCloseTimeout: '100',
      startToCloseTimeout: '50',
      heartbeatTimeout: '10',
    }),
  ]);
  assert.deepEqual(described(step.events)[1], [
    'ActivityTaskScheduled',
    {
      activityType: ACTIVITY_TYPE,
      activityId: 'a1',
      scheduleToStartTimeout: 'NONE',
      scheduleToCloseTimeout: '100',
      startToCloseTimeout: '50',
      taskList: { name: 'special' },
      taskPriority: '5',
      decisionTaskCompletedEventId: 4,
      heartbeatTimeout: '10',
    },
  ]);
  // NONE arms no schedule-to-start deadline.
  assert.deepEqual(step.effects.slice(2), [
    { type: 'enqueueTask', task: { token: 'id-2', kind: 'activity', domain: 'dom', taskList: 'special', priority: 5, runId: 'run-1', scheduledEventId: 5 } },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'activityScheduleToClose', ref: '5' }, dueAt: T0 + 100_000 },
  ]);
});

/** The type's defaults without one of them. */
const without = (key: keyof ActivityTypeConfiguration): ActivityTypeConfiguration => {
  const c = { ...FULL_ACTIVITY_DEFAULTS };
  delete c[key];
  return c;
};

interface FailureCase {
  cause: string;
  env: DecisionEnv;
  /** Decisions of the task; the last one is the one that fails. */
  decisions: Decision[];
  /** An activity already open before the task (for ACTIVITY_ID_ALREADY_IN_USE). */
  openBefore?: string;
}

const failureCases: FailureCase[] = [
  { cause: 'ACTIVITY_TYPE_DOES_NOT_EXIST', env: decisionEnv({ activityTypes: [] }), decisions: [scheduleActivity('a1')] },
  {
    cause: 'ACTIVITY_TYPE_DEPRECATED',
    env: decisionEnv({ activityTypes: [{ type: ACTIVITY_TYPE, status: 'DEPRECATED', configuration: FULL_ACTIVITY_DEFAULTS }] }),
    decisions: [scheduleActivity('a1')],
  },
  { cause: 'ACTIVITY_ID_ALREADY_IN_USE', env: decisionEnv(), decisions: [scheduleActivity('a1'), scheduleActivity('a1')] },
  { cause: 'ACTIVITY_ID_ALREADY_IN_USE', env: decisionEnv(), decisions: [scheduleActivity('a1')], openBefore: 'a1' },
  { cause: 'OPEN_ACTIVITIES_LIMIT_EXCEEDED', env: decisionEnv({ limits: { maxOpenActivities: 1 } }), decisions: [scheduleActivity('a1'), scheduleActivity('a2')] },
  ...(
    [
      ['DEFAULT_TASK_LIST_UNDEFINED', 'defaultTaskList'],
      ['DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED', 'defaultTaskScheduleToStartTimeout'],
      ['DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED', 'defaultTaskScheduleToCloseTimeout'],
      ['DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED', 'defaultTaskStartToCloseTimeout'],
      ['DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED', 'defaultTaskHeartbeatTimeout'],
    ] as const
  ).map(([cause, key]) => ({
    cause,
    env: decisionEnv({ activityTypes: [{ type: ACTIVITY_TYPE, configuration: without(key) }] }),
    decisions: [scheduleActivity('a1')],
  })),
];

for (const c of failureCases) {
  test(`ScheduleActivityTask fails with ${c.cause}${c.openBefore ? ' (id open from an earlier task)' : ''}`, () => {
    const run = startedRun();
    if (c.openBefore) {
      run.decide([scheduleActivity(c.openBefore)]);
      run.step((t) => signal(t, 'wake', undefined)); // a new decision task while a1 is open
      run.startDecision();
    }
    const completedEventId = run.state.nextEventId;
    const openBefore = Object.keys(run.state.activities).length;
    const step = run.decide(c.decisions, c.env);
    const failed = step.events.filter((e) => e.eventType === 'ScheduleActivityTaskFailed');
    assert.equal(failed.length, 1, eventTypesOf(step.events).join(', '));
    const last = c.decisions[c.decisions.length - 1]?.scheduleActivityTaskDecisionAttributes;
    assert.deepEqual(described(step.events).slice(-2), [
      ['ScheduleActivityTaskFailed', { activityType: ACTIVITY_TYPE, activityId: last?.activityId, cause: c.cause, decisionTaskCompletedEventId: completedEventId }],
      NEXT_DECISION_TASK,
    ]);
    // The failed decision scheduled nothing.
    const scheduledByStep = step.events.filter((e) => e.eventType === 'ActivityTaskScheduled').length;
    assert.equal(Object.keys(run.state.activities).length, openBefore + scheduledByStep);
    assert.equal(step.effects.filter((e) => e.type === 'enqueueTask' && e.task.kind === 'activity').length, scheduledByStep);
  });
}

test('ScheduleActivityTask: a decision may supply what the type lacks', () => {
  const run = startedRun();
  const env = decisionEnv({ activityTypes: [{ type: ACTIVITY_TYPE, configuration: {} }] });
  const step = run.decide(
    [scheduleActivity('a1', { taskList: { name: 'l' }, scheduleToStartTimeout: '1', scheduleToCloseTimeout: '2', startToCloseTimeout: '3', heartbeatTimeout: '4' })],
    env,
  );
  assert.deepEqual(eventTypesOf(step.events), ['DecisionTaskCompleted', 'ActivityTaskScheduled']);
});

test('StartTimer records TimerStarted and arms the timer; it fires by itself into TimerFired and a decision task', () => {
  const run = startedRun();
  const step = run.decide([startTimer('t1', '5', 'ctl')]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['TimerStarted', { timerId: 't1', control: 'ctl', startToFireTimeout: '5', decisionTaskCompletedEventId: 4 }],
  ]);
  assert.deepEqual(step.effects.at(-1), { type: 'armTimer', key: { runId: 'run-1', kind: 'timer', ref: '5' }, dueAt: T0 + 5_000 });
  assert.deepEqual(run.state.timers, { t1: { timerId: 't1', startedEventId: 5, control: 'ctl' } });
  assert.equal(run.state.decision.scheduled, undefined);

  run.now += 5_000;
  const fired = run.step((t) => fireTimeout(t, 'timer', '5'));
  assert.deepEqual(described(fired.events), [['TimerFired', { timerId: 't1', startedEventId: 5 }], NEXT_DECISION_TASK]);
  assert.equal(fired.events[0]?.eventTimestamp, seconds(T0 + 5_000));
  assert.deepEqual(run.state.timers, {});
  // Once fired, the id is free again.
  run.startDecision();
  const again = run.decide([startTimer('t1', '0')]);
  assert.deepEqual(eventTypesOf(again.events), ['DecisionTaskCompleted', 'TimerStarted']);
  assert.deepEqual(again.effects.at(-1), { type: 'armTimer', key: { runId: 'run-1', kind: 'timer', ref: '10' }, dueAt: T0 + 5_000 });
});

test('StartTimer fails with TIMER_ID_ALREADY_IN_USE and OPEN_TIMERS_LIMIT_EXCEEDED', () => {
  const run = startedRun();
  const step = run.decide([startTimer('t1', '5'), startTimer('t1', '6'), startTimer('t2', '7')], decisionEnv({ limits: { maxOpenTimers: 1 } }));
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['TimerStarted', { timerId: 't1', startToFireTimeout: '5', decisionTaskCompletedEventId: 4 }],
    ['StartTimerFailed', { timerId: 't1', cause: 'TIMER_ID_ALREADY_IN_USE', decisionTaskCompletedEventId: 4 }],
    ['StartTimerFailed', { timerId: 't2', cause: 'OPEN_TIMERS_LIMIT_EXCEEDED', decisionTaskCompletedEventId: 4 }],
    NEXT_DECISION_TASK,
  ]);
  assert.deepEqual(Object.keys(run.state.timers), ['t1']);
  assert.equal(step.effects.filter((e) => e.type === 'armTimer' && e.key.kind === 'timer').length, 1);
});

test('CancelTimer records TimerCanceled and disarms; the old deadline then does nothing', () => {
  const run = startedRun();
  run.decide([startTimer('t1', '5')]); // 4 completed, 5 started
  run.step((t) => signal(t, 'wake', undefined)); // 6 signaled, 7 scheduled
  run.startDecision(); // 8
  const step = run.decide([cancelTimer('t1')]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 7, startedEventId: 8 }],
    ['TimerCanceled', { timerId: 't1', startedEventId: 5, decisionTaskCompletedEventId: 9 }],
  ]);
  assert.deepEqual(step.effects.at(-1), { type: 'disarmTimer', key: { runId: 'run-1', kind: 'timer', ref: '5' } });
  assert.deepEqual(run.state.timers, {});
  assert.equal(run.state.decision.scheduled, undefined);
  const late = run.step((t) => fireTimeout(t, 'timer', '5'));
  assert.deepEqual(late.events, []);
});

test('CancelTimer of an unknown timer fails with TIMER_ID_UNKNOWN and a new decision task', () => {
  const run = startedRun();
  const step = run.decide([cancelTimer('nope')]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['CancelTimerFailed', { timerId: 'nope', cause: 'TIMER_ID_UNKNOWN', decisionTaskCompletedEventId: 4 }],
    NEXT_DECISION_TASK,
  ]);
});

test('RecordMarker records MarkerRecorded (with and without details) and schedules nothing', () => {
  const run = startedRun();
  const step = run.decide([
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm1', details: 'd1' } },
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm2' } },
  ]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['MarkerRecorded', { markerName: 'm1', details: 'd1', decisionTaskCompletedEventId: 4 }],
    ['MarkerRecorded', { markerName: 'm2', decisionTaskCompletedEventId: 4 }],
  ]);
  assert.deepEqual(step.effects.filter((e) => e.type === 'enqueueTask'), []);
});

test('decisions apply in order, before a final close decision', () => {
  const run = startedRun();
  const step = run.decide([
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm' } },
    scheduleActivity('a1'),
    startTimer('t1', '10'),
    { decisionType: 'CompleteWorkflowExecution' },
  ]);
  assert.deepEqual(eventTypesOf(step.events), ['DecisionTaskCompleted', 'MarkerRecorded', 'ActivityTaskScheduled', 'TimerStarted', 'WorkflowExecutionCompleted']);
  assert.deepEqual(step.events.map((e) => e.eventId), [4, 5, 6, 7, 8]);
  assert.equal(run.state.closeStatus, 'COMPLETED');
  // Closing forgets the open activity and timer: their rows and deadlines go with the run.
  assert.deepEqual(run.state.activities, {});
  assert.deepEqual(run.state.timers, {});
  assert.deepEqual(step.effects.at(-1), { type: 'closed', runId: 'run-1' });
});
