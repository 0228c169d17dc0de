/**
 * Compatibility with the AWS SDK for JavaScript v2 (`aws-sdk` 2.x, `new AWS.SWF({ endpoint })`):
 * its own serializer, signer, parser and paginator (`eachPage`), a different code path from v3
 * that many existing deciders still run. One whole workflow life: empty polls on each task list,
 * a decision task and a history paged with `eachPage`, activities that heartbeat, complete and
 * fail, a signal, a cancel request, a terminate, a list call paged one run at a time, and the
 * faults a worker meets with SWF's exact code and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AWSError, Request } from 'aws-sdk';
import type SWF from 'aws-sdk/clients/swf.js';
import { serverForFile } from '../helpers/setup.js';
import { uniqueName } from '../helpers/swf.js';

// The v2 SDK warns on load that it is in maintenance mode; these tests use it on purpose.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const { default: AWS } = await import('aws-sdk');

const { server } = await serverForFile();
const swf: SWF = new AWS.SWF({
  endpoint: server.url,
  region: 'eu-west-1',
  credentials: new AWS.Credentials({ accessKeyId: 'v2-test', secretAccessKey: 'v2-test' }),
  maxRetries: 0,
  httpOptions: { timeout: 70_000 },
});

const DECIDER = 'v2-decider';
const WORKER = 'v2-worker';

/** Every page `eachPage` walks, in order. */
function allPages<D>(request: Request<D, AWSError>): Promise<D[]> {
  return new Promise((resolve, reject) => {
    const pages: D[] = [];
    request.eachPage((err, data) => {
      if (err) {
        reject(err);
        return false;
      }
      if (data === null) resolve(pages);
      else pages.push(data);
      return true;
    });
  });
}

/** The SWF fault a call failed with, as v2 reports it. */
async function faultOf(call: Promise<unknown>): Promise<{ code: string; message: string; statusCode?: number }> {
  try {
    await call;
  } catch (err) {
    const e = err as AWSError;
    return { code: e.code, message: e.message, ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}) };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const types = (events: SWF.HistoryEvent[] | undefined): string[] => (events ?? []).map((e) => e.eventType);

interface Domain {
  name: string;
  decisions: string;
  activities: string;
  workflowType: SWF.WorkflowType;
  activityType: SWF.ActivityType;
}

async function register(): Promise<Domain> {
  const d: Domain = {
    name: uniqueName('v2'),
    decisions: uniqueName('v2-deciders'),
    activities: uniqueName('v2-workers'),
    workflowType: { name: 'v2-flow', version: '1' },
    activityType: { name: 'v2-step', version: '1' },
  };
  await swf.registerDomain({ name: d.name, workflowExecutionRetentionPeriodInDays: '1' }).promise();
  await swf
    .registerWorkflowType({
      domain: d.name,
      ...d.workflowType,
      defaultTaskList: { name: d.decisions },
      defaultExecutionStartToCloseTimeout: '3600',
      defaultTaskStartToCloseTimeout: '600',
      defaultChildPolicy: 'TERMINATE',
    })
    .promise();
  await swf
    .registerActivityType({
      domain: d.name,
      ...d.activityType,
      defaultTaskList: { name: d.activities },
      defaultTaskScheduleToStartTimeout: 'NONE',
      defaultTaskScheduleToCloseTimeout: 'NONE',
      defaultTaskStartToCloseTimeout: '600',
      defaultTaskHeartbeatTimeout: 'NONE',
    })
    .promise();
  return d;
}

const pollDecision = (d: Domain, extra: Partial<SWF.PollForDecisionTaskInput> = {}) =>
  swf.pollForDecisionTask({ domain: d.name, taskList: { name: d.decisions }, identity: DECIDER, ...extra });
const pollActivity = (d: Domain) => swf.pollForActivityTask({ domain: d.name, taskList: { name: d.activities }, identity: WORKER }).promise();

/** Both task lists are empty: each poll answers no task member at all. */
async function expectEmptyPolls(d: Domain): Promise<void> {
  const decision = await pollDecision(d).promise();
  assert.deepEqual(decision, { previousStartedEventId: 0, startedEventId: 0 });
  assert.equal(decision.taskToken, undefined, 'a decider testing taskToken sees no task');
  assert.deepEqual(await pollActivity(d), { startedEventId: 0 });
}

/** The next decision task, every page of its history walked with eachPage. */
async function takeDecisionTask(d: Domain, maximumPageSize?: number): Promise<{ token: string; events: SWF.HistoryEvent[]; pages: number; run: SWF.WorkflowExecution }> {
  const pages = await allPages(pollDecision(d, maximumPageSize !== undefined ? { maximumPageSize } : {}));
  const first = pages[0];
  assert.ok(first?.taskToken, 'a decision task was handed out');
  for (const page of pages) assert.equal(page.taskToken, first.taskToken, 'every page belongs to the same task');
  const events = pages.flatMap((p) => p.events);
  assert.deepEqual(
    events.map((e) => e.eventId),
    Array.from({ length: first.startedEventId }, (_, i) => i + 1),
  );
  return { token: first.taskToken, events, pages: pages.length, run: first.workflowExecution };
}

const decide = (taskToken: string, decisions: SWF.Decision[]) => swf.respondDecisionTaskCompleted({ taskToken, decisions }).promise();
const schedule = (d: Domain, activityId: string, input: string): SWF.Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: d.activityType, activityId, input },
});

async function start(d: Domain, workflowId: string, input?: string): Promise<SWF.WorkflowExecution> {
  const { runId } = await swf.startWorkflowExecution({ domain: d.name, workflowId, workflowType: d.workflowType, ...(input !== undefined ? { input } : {}) }).promise();
  assert.ok(runId, 'StartWorkflowExecution answered a runId');
  return { workflowId, runId };
}

const describeRun = (d: Domain, execution: SWF.WorkflowExecution) => swf.describeWorkflowExecution({ domain: d.name, execution }).promise();

test('the AWS SDK for JavaScript v2 drives a whole workflow life', async () => {
  const d = await register();
  const described = await swf.describeDomain({ name: d.name }).promise();
  assert.equal(described.domainInfo.arn, `arn:aws:swf:eu-west-1:000000000000:/domain/${d.name}`, 'the ARN names the region v2 signed for');
  await expectEmptyPolls(d);

  // A run with two activities (one completes after a heartbeat, one fails), then a signal.
  const run = await start(d, 'v2-order', 'order-1');
  let task = await takeDecisionTask(d, 2);
  assert.equal(task.pages, 2);
  assert.deepEqual(task.run, run);
  await decide(task.token, [schedule(d, 'pack', 'box'), schedule(d, 'ship', 'van')]);
  const pack = await pollActivity(d);
  assert.deepEqual([pack.activityId, pack.input, pack.startedEventId], ['pack', 'box', 7]);
  assert.deepEqual(await swf.recordActivityTaskHeartbeat({ taskToken: pack.taskToken, details: 'half' }).promise(), { cancelRequested: false });
  assert.deepEqual(await swf.respondActivityTaskCompleted({ taskToken: pack.taskToken, result: 'packed' }).promise(), {});
  const ship = await pollActivity(d);
  await swf.respondActivityTaskFailed({ taskToken: ship.taskToken, reason: 'no van', details: 'all out' }).promise();
  await swf.signalWorkflowExecution({ domain: d.name, workflowId: run.workflowId, signalName: 'hurry', input: 'now' }).promise();
  task = await takeDecisionTask(d, 3);
  assert.ok(task.pages >= 4, `the second task came in ${task.pages} pages`);
  const completed = task.events.find((e) => e.eventType === 'ActivityTaskCompleted')?.activityTaskCompletedEventAttributes;
  const failed = task.events.find((e) => e.eventType === 'ActivityTaskFailed')?.activityTaskFailedEventAttributes;
  const signaled = task.events.find((e) => e.eventType === 'WorkflowExecutionSignaled')?.workflowExecutionSignaledEventAttributes;
  assert.deepEqual(completed, { result: 'packed', scheduledEventId: 5, startedEventId: 7 });
  assert.deepEqual(failed, { reason: 'no van', details: 'all out', scheduledEventId: 6, startedEventId: 10 });
  assert.deepEqual(signaled, { signalName: 'hurry', input: 'now' });
  await decide(task.token, [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'done' } }]);
  // The decision token of an answered task, in SWF's words.
  const answered = await faultOf(decide(task.token, []));
  assert.deepEqual(answered, { code: 'UnknownResourceFault', message: `Unknown execution: WorkflowExecution=[workflowId=v2-order, runId=${run.runId}]`, statusCode: 400 });

  const history = (await allPages(swf.getWorkflowExecutionHistory({ domain: d.name, execution: run, maximumPageSize: 3 }))).map((p) => p.events);
  assert.ok(history.every((page) => page.length <= 3) && history.length > 1, 'the history came in pages of 3');
  assert.deepEqual(types(history.flat()), [
    'WorkflowExecutionStarted',
    'DecisionTaskScheduled',
    'DecisionTaskStarted',
    'DecisionTaskCompleted',
    'ActivityTaskScheduled',
    'ActivityTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskCompleted',
    'DecisionTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskFailed',
    'WorkflowExecutionSignaled',
    'DecisionTaskStarted',
    'DecisionTaskCompleted',
    'WorkflowExecutionCompleted',
  ]);
  assert.equal((await describeRun(d, run)).executionInfo.closeStatus, 'COMPLETED');

  // A run canceled on request.
  const canceled = await start(d, 'v2-cancel');
  await decide((await takeDecisionTask(d)).token, []);
  assert.deepEqual(await swf.requestCancelWorkflowExecution({ domain: d.name, workflowId: canceled.workflowId }).promise(), {});
  assert.equal((await describeRun(d, canceled)).executionInfo.cancelRequested, true);
  task = await takeDecisionTask(d);
  assert.deepEqual(types(task.events).slice(-3), ['WorkflowExecutionCancelRequested', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
  await decide(task.token, [{ decisionType: 'CancelWorkflowExecution', cancelWorkflowExecutionDecisionAttributes: { details: 'as asked' } }]);
  assert.equal((await describeRun(d, canceled)).executionInfo.closeStatus, 'CANCELED');

  // A run terminated while its activity is out: its token names the closed run.
  const terminated = await start(d, 'v2-terminate');
  await decide((await takeDecisionTask(d)).token, [schedule(d, 'doomed', 'x')]);
  const doomed = await pollActivity(d);
  await swf.terminateWorkflowExecution({ domain: d.name, workflowId: terminated.workflowId, reason: 'operator stop' }).promise();
  const info = (await describeRun(d, terminated)).executionInfo;
  assert.deepEqual([info.executionStatus, info.closeStatus], ['CLOSED', 'TERMINATED']);
  const closed = `Unknown execution: WorkflowExecution=[workflowId=v2-terminate, runId=${terminated.runId}]`;
  assert.deepEqual(await faultOf(swf.recordActivityTaskHeartbeat({ taskToken: doomed.taskToken }).promise()), { code: 'UnknownResourceFault', message: closed, statusCode: 400 });
  assert.deepEqual(await faultOf(swf.terminateWorkflowExecution({ domain: d.name, workflowId: terminated.workflowId }).promise()), {
    code: 'UnknownResourceFault',
    message: 'Unknown execution, workflowId = v2-terminate',
    statusCode: 400,
  });

  // The list call, one run a page.
  const listed = await allPages(swf.listClosedWorkflowExecutions({ domain: d.name, startTimeFilter: { oldestDate: new Date(0) }, maximumPageSize: 1 }));
  assert.equal(listed.length, 3);
  const closedRuns = listed.flatMap((p) => p.executionInfos).map((i) => [i.execution.workflowId, i.closeStatus]);
  assert.deepEqual(new Map(closedRuns.map(([id, status]) => [id, status])), new Map([['v2-order', 'COMPLETED'], ['v2-cancel', 'CANCELED'], ['v2-terminate', 'TERMINATED']]));
  assert.deepEqual((await swf.listOpenWorkflowExecutions({ domain: d.name, startTimeFilter: { oldestDate: new Date(0) } }).promise()).executionInfos, []);
  await expectEmptyPolls(d);
});

test('v2 sees the task-token faults with SWF\'s code and message', async () => {
  const d = await register();
  const invalid = { code: 'ValidationException', message: 'Invalid token', statusCode: 400 };
  assert.deepEqual(await faultOf(swf.respondActivityTaskCompleted({ taskToken: 'not-a-token' }).promise()), invalid);
  assert.deepEqual(await faultOf(decide('not-a-token', [])), invalid);
  const run = await start(d, 'v2-tokens');
  const task = await takeDecisionTask(d);
  await decide(task.token, [schedule(d, 'once', 'x')]);
  assert.deepEqual(await faultOf(decide(task.token, [])), { code: 'UnknownResourceFault', message: 'Unknown decision task, scheduledEventId = 2', statusCode: 400 });
  const work = await pollActivity(d);
  await swf.respondActivityTaskCompleted({ taskToken: work.taskToken }).promise();
  assert.deepEqual(await faultOf(swf.respondActivityTaskCanceled({ taskToken: work.taskToken }).promise()), {
    code: 'UnknownResourceFault',
    message: 'Unknown activity, scheduledEventId = 5',
    statusCode: 400,
  });
  await swf.terminateWorkflowExecution({ domain: d.name, ...run }).promise();
});
