/**
 * One server on PostgreSQL (`openswf serve --database-url`): a workflow runs end to end, a
 * timer fires on the virtual clock, everything survives kill -9, and a database that cannot
 * be reached stops the server before it listens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListOpenWorkflowExecutionsCommand, RespondActivityTaskCompletedCommand } from '@aws-sdk/client-swf';
import { ifPostgres, testDatabaseForFile } from '../helpers/postgres.js';
import { expectStartFailure, restartableServer } from '../helpers/setup.js';
import { describeEvents, history, registerFixture } from '../helpers/swf.js';
import { complete, describeRun, ever, respond, scheduleActivity, startRun, startTimer, takeActivityTask, takeDecisionTask } from '../helpers/workflow.js';

await ifPostgres(() => {
  const db = testDatabaseForFile();

  test('a workflow with an activity and a timer runs on PostgreSQL and survives kill -9', async (t) => {
    const node = await restartableServer(t, { clock: 'virtual', args: ['--database-url', db.url] });
    assert.match(node.server.logs(), /data: postgres:\/\//);
    const swf = node.swf;
    const f = await registerFixture(swf);
    const execution = await startRun(swf, f, 'order-1', { input: 'in', tagList: ['pg'] });
    const d1 = await takeDecisionTask(swf, f);
    assert.equal(d1.startedEventId, 3);
    assert.deepEqual(d1.workflowExecution, execution);
    await respond(swf, d1.taskToken, [scheduleActivity(f, 'a1', { input: 'x' }), startTimer('wait', '600')]);
    const a = await takeActivityTask(swf, f);
    assert.equal(a.activityId, 'a1');
    assert.equal(a.input, 'x');
    await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: 'done' }));
    const d2 = await takeDecisionTask(swf, f);
    assert.equal(d2.previousStartedEventId, 3);
    await respond(swf, d2.taskToken, []);

    // Acknowledged is durable: kill -9, and a new process on the same database carries on.
    await node.server.kill9();
    const swf2 = await node.restart();
    const open = await swf2.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, tagFilter: { tag: 'pg' } }));
    assert.deepEqual(open.executionInfos?.map((i) => i.execution), [execution]);
    assert.equal((await node.server.advance(600)).fired, 1);
    const d3 = await takeDecisionTask(swf2, f);
    assert.equal(d3.previousStartedEventId, 10);
    await respond(swf2, d3.taskToken, [complete('ok')]);
    assert.deepEqual(describeEvents(await history(swf2, f.domain, execution)), [
      ['WorkflowExecutionStarted', {
        input: 'in', executionStartToCloseTimeout: '3600', taskStartToCloseTimeout: '60', childPolicy: 'TERMINATE',
        taskList: { name: f.taskList }, workflowType: f.workflowType, tagList: ['pg'],
      }],
      ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }],
      ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 2 }],
      ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
      ['ActivityTaskScheduled', {
        activityType: f.activityType, activityId: 'a1', input: 'x', taskList: { name: f.activityTaskList }, decisionTaskCompletedEventId: 4,
        scheduleToStartTimeout: 'NONE', scheduleToCloseTimeout: 'NONE', startToCloseTimeout: '300', heartbeatTimeout: 'NONE',
      }],
      ['TimerStarted', { timerId: 'wait', startToFireTimeout: '600', decisionTaskCompletedEventId: 4 }],
      ['ActivityTaskStarted', { identity: 'worker', scheduledEventId: 5 }],
      ['ActivityTaskCompleted', { result: 'done', scheduledEventId: 5, startedEventId: 7 }],
      ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }],
      ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 9 }],
      ['DecisionTaskCompleted', { scheduledEventId: 9, startedEventId: 10 }],
      ['TimerFired', { timerId: 'wait', startedEventId: 6 }],
      ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }],
      ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 13 }],
      ['DecisionTaskCompleted', { scheduledEventId: 13, startedEventId: 14 }],
      ['WorkflowExecutionCompleted', { result: 'ok', decisionTaskCompletedEventId: 15 }],
    ]);
    const described = await describeRun(swf2, f, execution);
    assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
  });

  test('a database that cannot be reached stops the server before it listens', async () => {
    const unreachable = new URL(db.url);
    unreachable.port = '1';
    await expectStartFailure({ args: ['--database-url', unreachable.toString()] }, /ECONNREFUSED/, 1);
  });
});
