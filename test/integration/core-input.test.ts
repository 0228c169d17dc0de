/**
 * Every input a client can send is stored byte-exact or refused with the fault SWF gives, on
 * both back ends, never answered with a 500: free text holding U+0000 (which PostgreSQL text
 * cannot hold) comes back unchanged, and lookups by such a name find nothing rather than fail;
 * numbers no timestamp or event id can be, undecodable page tokens, a body that is not UTF-8,
 * an unpaired surrogate, a fraction where the model wants an integer are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeDomainCommand,
  DescribeWorkflowExecutionCommand,
  DescribeWorkflowTypeCommand,
  GetWorkflowExecutionHistoryCommand,
  ListDomainsCommand,
  ListOpenWorkflowExecutionsCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondActivityTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { expectFault, history, registerFixture, uniqueName } from '../helpers/swf.js';
import { ever, respond, scheduleActivity, startRun, takeActivityTask, takeDecisionTask } from '../helpers/workflow.js';

const { server, swf } = await serverForFile();

/** Free text a client may send: U+0000, other controls, a backslash-zero, U+FFFF, astral characters. */
const ODD = 'a\u0000b\\0c\uffff\u0001😀\u0000';
/** One that begins with U+FFFF and holds U+0000 and a backslash. */
const ODDER = '\uffff\\\u0000\\\\0';

const open = (swf_: SWFClient, domain: string, extra: Record<string, unknown>) =>
  swf_.send(new ListOpenWorkflowExecutionsCommand({ domain, startTimeFilter: ever, ...extra }));

/** A raw AWS JSON 1.0 call, for what the SDK would never send. */
async function raw(operation: string, body: string | Buffer): Promise<{ status: number; type: string; message: string }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `SimpleWorkflowService.${operation}` },
    body,
  });
  const json = (await res.json()) as { __type?: string; message?: string };
  return { status: res.status, type: (json.__type ?? '').replace(/^.*#/, ''), message: json.message ?? '' };
}

test('free text with U+0000 and other characters is stored and returned unchanged', async () => {
  const domain = uniqueName('odd');
  await swf.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1', description: ODD }));
  assert.equal((await swf.send(new DescribeDomainCommand({ name: domain }))).domainInfo?.description, ODD);
  const listed = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.equal(listed.domainInfos?.find((d) => d.name === domain)?.description, ODD);

  const f = await registerFixture(swf);
  await swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: 'odd', version: '1', description: ODDER }));
  assert.equal((await swf.send(new DescribeWorkflowTypeCommand({ domain: f.domain, workflowType: { name: 'odd', version: '1' } }))).typeInfo?.description, ODDER);

  const run = await startRun(swf, f, 'odd-run', { input: ODD, tagList: [ODD, ODDER, 'plain'] });
  for (const tag of [ODD, ODDER]) {
    assert.deepEqual((await open(swf, f.domain, { tagFilter: { tag } })).executionInfos?.map((i) => i.execution), [run], JSON.stringify(tag));
  }
  assert.deepEqual((await open(swf, f.domain, { tagFilter: { tag: 'a' } })).executionInfos, []);
  assert.deepEqual((await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: run }))).executionInfo?.tagList, [ODD, ODDER, 'plain']);

  const d = await takeDecisionTask(swf, f, run);
  await respond(swf, d.taskToken, [
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: ODDER, details: ODD } },
    scheduleActivity(f, 'a1', { input: ODDER, control: ODD }),
  ], { executionContext: ODD });
  const a = await takeActivityTask(swf, f, 'a1');
  assert.equal(a.input, ODDER);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: ODD }));
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, signalName: ODD, input: ODDER }));

  const events = await history(swf, f.domain, run);
  assert.equal(events[0]?.workflowExecutionStartedEventAttributes?.input, ODD);
  assert.deepEqual(events[0]?.workflowExecutionStartedEventAttributes?.tagList, [ODD, ODDER, 'plain']);
  const of = (type: string) => events.find((e) => e.eventType === type);
  assert.equal(of('DecisionTaskCompleted')?.decisionTaskCompletedEventAttributes?.executionContext, ODD);
  assert.deepEqual(of('MarkerRecorded')?.markerRecordedEventAttributes?.markerName, ODDER);
  assert.equal(of('MarkerRecorded')?.markerRecordedEventAttributes?.details, ODD);
  assert.equal(of('ActivityTaskScheduled')?.activityTaskScheduledEventAttributes?.control, ODD);
  assert.equal(of('ActivityTaskCompleted')?.activityTaskCompletedEventAttributes?.result, ODD);
  assert.equal(of('WorkflowExecutionSignaled')?.workflowExecutionSignaledEventAttributes?.signalName, ODD);
  assert.equal(of('WorkflowExecutionSignaled')?.workflowExecutionSignaledEventAttributes?.input, ODDER);
  assert.equal((await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: run }))).latestExecutionContext, ODD);
});

test('names holding U+0000 are refused where SWF forbids control characters, and found nowhere else', async () => {
  await expectFault(swf.send(new RegisterDomainCommand({ name: 'a\u0000b', workflowExecutionRetentionPeriodInDays: '1' })), 'ValidationException', 'Invalid name: a\u0000b');
  await expectFault(swf.send(new DescribeDomainCommand({ name: 'a\u0000b' })), 'UnknownResourceFault');
  const f = await registerFixture(swf);
  await expectFault(startRun(swf, f, 'w\u0000'), 'ValidationException');
  await expectFault(swf.send(new DescribeWorkflowTypeCommand({ domain: f.domain, workflowType: { name: 'order\u0000', version: '1' } })), 'UnknownResourceFault');
  await startRun(swf, f, 'w');
  assert.deepEqual((await open(swf, f.domain, { executionFilter: { workflowId: 'w\u0000' } })).executionInfos, []);
  assert.deepEqual((await open(swf, f.domain, { typeFilter: { name: 'order\u0000' } })).executionInfos, []);
  assert.deepEqual((await open(swf, f.domain, { tagFilter: { tag: '\u0000' } })).executionInfos, []);
});

test('a timestamp no date can be is a ValidationException', async () => {
  const f = await registerFixture(swf);
  for (const startTimeFilter of [{ oldestDate: 1e20 }, { oldestDate: 0, latestDate: -1e20 }, { oldestDate: 1e300 }]) {
    for (const operation of ['ListOpenWorkflowExecutions', 'CountOpenWorkflowExecutions', 'ListClosedWorkflowExecutions']) {
      const r = await raw(operation, JSON.stringify({ domain: f.domain, startTimeFilter }));
      assert.equal(r.status, 400, `${operation} ${JSON.stringify(startTimeFilter)}: ${r.message}`);
      assert.equal(r.type, 'ValidationException', r.message);
      assert.match(r.message, /failed to satisfy constraint: Member must be a time within/);
    }
  }
  // The largest a date can hold still answers.
  assert.equal((await raw('CountOpenWorkflowExecutions', JSON.stringify({ domain: f.domain, startTimeFilter: { oldestDate: 0, latestDate: 8.64e12 } }))).status, 200);
});

test('a fraction or an out-of-range number where the model wants an integer is refused', async () => {
  for (const maximumPageSize of [1.5, 2 ** 31, 1e20]) {
    const r = await raw('ListDomains', JSON.stringify({ registrationStatus: 'REGISTERED', maximumPageSize }));
    assert.deepEqual(r, { status: 400, type: 'SerializationException', message: 'NUMBER_VALUE can not be converted to an Integer' }, String(maximumPageSize));
  }
});

test('page tokens that do not decode, or hold numbers no position can have, are refused as invalid', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'paged');
  const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const invalid = async (call: Promise<unknown>, what: string) => {
    await expectFault(call, 'ValidationException', /^Invalid nextPageToken/).catch((err: Error) => {
      throw new Error(`${what}: ${err.message}`);
    });
  };
  for (const nextPageToken of ['not a token!', token({ h: run.runId, e: 1e20 }), token({ h: run.runId, e: -1 }), token({ h: run.runId, e: 2 ** 31 }), token({ h: run.runId, e: 1.5 })]) {
    await invalid(swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution: run, nextPageToken })), `history ${nextPageToken}`);
  }
  for (const nextPageToken of ['%%%', token({ by: 'start', reverse: false, ts: 1e300, runId: 'x' }), token({ by: 'start', reverse: false, ts: 1.5, runId: 'x' })]) {
    await invalid(open(swf, f.domain, { nextPageToken }), `visibility ${nextPageToken}`);
  }
  await invalid(swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED', nextPageToken: token({ k: 5 }) })), 'domains');
  const decisionToken = token({ d: 'x', r: run.runId, s: 3, p: 0, e: 2 ** 40 });
  const r = await raw('PollForDecisionTask', JSON.stringify({ domain: f.domain, taskList: { name: f.taskList }, nextPageToken: decisionToken }));
  assert.deepEqual([r.status, r.type], [400, 'ValidationException'], r.message);
});

test('a body that is not UTF-8, or a string with an unpaired surrogate, is a SerializationException and stores nothing', async () => {
  const name = uniqueName('bad');
  const notUtf8 = Buffer.concat([Buffer.from(`{"name":"${name}`), Buffer.from([0xff]), Buffer.from('utf8","workflowExecutionRetentionPeriodInDays":"1"}')]);
  assert.deepEqual(await raw('RegisterDomain', notUtf8), { status: 400, type: 'SerializationException', message: 'Request body is not valid UTF-8' });
  for (const escaped of ['\\ud800', '\\udc00', '\\ud800\\ud800\\udc00x', 'x\\udbff']) {
    const r = await raw('RegisterDomain', `{"name":"${name}s${escaped}x","workflowExecutionRetentionPeriodInDays":"1"}`);
    assert.deepEqual(r, { status: 400, type: 'SerializationException', message: 'Request body holds a string with an unpaired surrogate' }, escaped);
  }
  // A pair written as escapes is one character, and fine.
  assert.equal((await raw('RegisterDomain', `{"name":"${name}\\ud83d\\ude00","workflowExecutionRetentionPeriodInDays":"1"}`)).status, 200);
  const names = (await swf.send(new ListDomainsCommand({ registrationStatus: "REGISTERED" }))).domainInfos?.map((d) => d.name ?? "") ?? [];
  assert.deepEqual(names.filter((n) => n.startsWith(name)), [`${name}😀`]);
});
