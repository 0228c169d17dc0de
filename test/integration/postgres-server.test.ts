/**
 * One server on PostgreSQL (`openswf serve --database-url`): a workflow runs end to end, a
 * timer fires on the virtual clock, everything survives kill -9, and a database that cannot
 * be reached stops the server before it listens.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeWorkflowExecutionCommand,
  ListOpenWorkflowExecutionsCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
} from '@aws-sdk/client-swf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer } from '../helpers/server.js';
import { createTestDatabase, ifPostgres, type TestDatabase } from '../helpers/postgres.js';
import { describeEvents, history, registerFixture } from '../helpers/swf.js';

await ifPostgres(() => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('a workflow with an activity and a timer runs on PostgreSQL and survives kill -9', async (t) => {
    const server = await TestServer.start({ clock: 'virtual', args: ['--database-url', db.url] });
    t.after(() => server.dispose());
    assert.match(server.logs(), /data: postgres:\/\//);
    const swf = server.client();
    const f = await registerFixture(swf);
    const { runId } = await swf.send(
      new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'order-1', workflowType: f.workflowType, input: 'in', tagList: ['pg'] }),
    );
    assert.ok(runId);
    const execution = { workflowId: 'order-1', runId };
    const d1 = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'decider' }));
    assert.equal(d1.startedEventId, 3);
    assert.deepEqual(d1.workflowExecution, execution);
    await swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: d1.taskToken,
        decisions: [
          { decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: 'a1', input: 'x' } },
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 'wait', startToFireTimeout: '600' } },
        ],
      }),
    );
    const a = await swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'worker' }));
    assert.equal(a.activityId, 'a1');
    assert.equal(a.input, 'x');
    await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: 'done' }));
    const d2 = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'decider' }));
    assert.equal(d2.previousStartedEventId, 3);
    await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: d2.taskToken, decisions: [] }));

    // Acknowledged is durable: kill -9, and a new process on the same database carries on.
    await server.kill9();
    const again = await server.restart();
    t.after(() => again.dispose());
    const swf2 = again.client();
    const open = await swf2.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: { oldestDate: new Date(0) }, tagFilter: { tag: 'pg' } }));
    assert.deepEqual(open.executionInfos?.map((i) => i.execution), [execution]);
    assert.equal((await again.advance(600)).fired, 1);
    const d3 = await swf2.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'decider' }));
    assert.equal(d3.previousStartedEventId, 10);
    await swf2.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: d3.taskToken,
        decisions: [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'ok' } }],
      }),
    );
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
    const described = await swf2.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution }));
    assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
  });

  test('a database that cannot be reached stops the server before it listens', async (t) => {
    const unreachable = new URL(db.url);
    unreachable.port = '1';
    const dataDir = mkdtempSync(join(tmpdir(), 'openswf-test-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    await assert.rejects(TestServer.start({ dataDir, args: ['--database-url', unreachable.toString()] }), /server exited with 1[\s\S]*ECONNREFUSED/);
  });
});
