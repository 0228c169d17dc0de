/**
 * Long polls through the SDK: a waiting poll answers as soon as a task appears, an empty one
 * answers taskToken "" after the configured timeout, concurrent pollers never share a task,
 * and a poll whose client went away does not swallow the task that arrives next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PollForActivityTaskCommand, PollForDecisionTaskCommand, type SWFClient } from '@aws-sdk/client-swf';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, history, registerFixture, type Fixture } from '../helpers/swf.js';
import { assertEmptyActivityTask, assertEmptyDecisionTask, respond, scheduleActivity, startRun } from '../helpers/workflow.js';

const LONG_POLL_MS = 20_000;
// `slow` holds empty polls for 20 s: any poll that answers within a few seconds was woken.
const [slow, fast] = await Promise.all([serverForFile({ pollTimeoutMs: LONG_POLL_MS }), serverForFile({ pollTimeoutMs: 500 })]);

const pollDecision = (client: SWFClient, f: Fixture, abortSignal?: AbortSignal) =>
  client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'decider' }), { abortSignal });
const pollActivity = (client: SWFClient, f: Fixture, abortSignal?: AbortSignal) =>
  client.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'worker' }), { abortSignal });


/** Settles with the error of a poll that was aborted (or the server that went away). */
const swallow = (p: Promise<unknown>): Promise<unknown> => p.catch((err: unknown) => err);

test('a waiting decision poll answers as soon as a workflow starts', async () => {
  const swf = slow.server.client();
  const f = await registerFixture(swf);
  const began = Date.now();
  const poll = pollDecision(swf, f);
  await sleep(300); // the poll is waiting by now
  const run = await startRun(swf, f, 'wake-me');
  const startedAt = Date.now();
  const task = await poll;
  assert.ok(Date.now() - startedAt < 2_000, `answered ${Date.now() - startedAt} ms after the start`);
  assert.ok(Date.now() - began < LONG_POLL_MS / 4);
  assert.deepEqual(task.workflowExecution, run);
  assert.equal(task.startedEventId, 3);
});

test('a waiting activity poll answers as soon as the activity is scheduled', async () => {
  const swf = slow.server.client();
  const f = await registerFixture(swf);
  await startRun(swf, f, 'wake-worker');
  const decision = await pollDecision(swf, f);
  const poll = pollActivity(swf, f);
  await sleep(300);
  const scheduledAt = Date.now();
  await respond(swf, decision.taskToken as string, [scheduleActivity(f, 'act')]);
  const task = await poll;
  assert.ok(Date.now() - scheduledAt < 2_000, `answered ${Date.now() - scheduledAt} ms after scheduling`);
  assert.equal(task.activityId, 'act');
  assert.equal(task.startedEventId, 6);
});

test('an empty poll answers no task member at all after the configured timeout', async () => {
  const swf = fast.server.client();
  const f = await registerFixture(swf);
  let began = Date.now();
  const decision = await pollDecision(swf, f);
  const decisionWait = Date.now() - began;
  assertEmptyDecisionTask(decision);
  assert.ok(decisionWait >= 450 && decisionWait < 3_000, `empty decision poll took ${decisionWait} ms`);

  began = Date.now();
  const activity = await pollActivity(swf, f);
  const activityWait = Date.now() - began;
  assertEmptyActivityTask(activity);
  assert.ok(activityWait >= 450 && activityWait < 3_000, `empty activity poll took ${activityWait} ms`);
});

test('concurrent pollers never get the same task', async () => {
  const swf = fast.server.client();
  const f = await registerFixture(swf);
  const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => startRun(swf, f, `race-${i}`)));
  const tasks = await Promise.all(Array.from({ length: 11 }, () => pollDecision(swf, f)));
  const handed = tasks.filter((t) => t.taskToken);
  assert.equal(handed.length, 8);
  assert.equal(new Set(handed.map((t) => t.taskToken)).size, 8);
  assert.deepEqual(new Set(handed.map((t) => t.workflowExecution?.runId)), new Set(runs.map((r) => r.runId)));
  for (const run of runs) {
    const started = eventTypes(await history(swf, f.domain, run)).filter((t) => t === 'DecisionTaskStarted');
    assert.equal(started.length, 1, `${run.workflowId} was started ${started.length} times`);
  }

  // The same for activity tasks: one run schedules six, eight workers race for them.
  const first = handed[0];
  assert.ok(first?.taskToken);
  await respond(swf, first.taskToken, Array.from({ length: 6 }, (_, i) => scheduleActivity(f, `job-${i}`)));
  const jobs = (await Promise.all(Array.from({ length: 8 }, () => pollActivity(swf, f)))).filter((t) => t.taskToken);
  assert.deepEqual(jobs.map((t) => t.activityId).sort(), ['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
  assert.equal(new Set(jobs.map((t) => t.taskToken)).size, 6);
});

test('pollers already waiting share out new tasks one each', async () => {
  const swf = slow.server.client();
  const f = await registerFixture(swf);
  const controllers = Array.from({ length: 4 }, () => new AbortController());
  const polls = controllers.map((c) => pollDecision(swf, f, c.signal).then((task) => ({ task, controller: c })));
  await sleep(300);
  await Promise.all([startRun(swf, f, 'shared-1'), startRun(swf, f, 'shared-2')]);
  const first = await Promise.race(polls);
  const pending = polls.filter((_, i) => controllers[i] !== first.controller);
  const second = await Promise.race(pending);
  assert.ok(first.task.taskToken && second.task.taskToken);
  assert.notEqual(first.task.taskToken, second.task.taskToken);
  assert.notEqual(first.task.workflowExecution?.runId, second.task.workflowExecution?.runId);
  // The other two have nothing to get: let them go.
  for (const c of controllers) c.abort();
  await Promise.all(polls.map(swallow));
});

test('a decision poll aborted by its client does not take the task that arrives next', async () => {
  const swf = slow.server.client();
  const f = await registerFixture(swf);
  const controller = new AbortController();
  const abandoned = swallow(pollDecision(swf, f, controller.signal));
  await sleep(300);
  controller.abort();
  const outcome = await abandoned;
  assert.ok(outcome instanceof Error && /abort/i.test(outcome.name), `the SDK call ended with ${String(outcome)}`);
  await sleep(200); // the server sees the connection close

  const run = await startRun(swf, f, 'not-lost');
  const began = Date.now();
  const task = await pollDecision(swf, f);
  assert.ok(Date.now() - began < 2_000, 'the task waited for the abandoned poll');
  assert.ok(task.taskToken);
  assert.equal(task.startedEventId, 3);
  assert.deepEqual(eventTypes(await history(swf, f.domain, run)), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
});

test('an activity poll aborted by its client does not take the activity scheduled next', async () => {
  const swf = slow.server.client();
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'activity-not-lost');
  const decision = await pollDecision(swf, f);
  const controller = new AbortController();
  const abandoned = swallow(pollActivity(swf, f, controller.signal));
  await sleep(300);
  controller.abort();
  await abandoned;
  await sleep(200);

  await respond(swf, decision.taskToken as string, [scheduleActivity(f, 'kept')]);
  const task = await pollActivity(swf, f);
  assert.equal(task.activityId, 'kept');
  assert.equal(task.startedEventId, 6);
  const started = eventTypes(await history(swf, f.domain, run)).filter((t) => t === 'ActivityTaskStarted');
  assert.equal(started.length, 1);
});
