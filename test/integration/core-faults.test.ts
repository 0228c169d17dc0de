/**
 * Every fault of the core, as the AWS SDK sees it (`err.name` is the fault name): unknown
 * resources, type and domain lifecycle faults, defaults, duplicate starts, validation and
 * framing errors. A fault changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteActivityTypeCommand,
  DeleteWorkflowTypeCommand,
  DeprecateActivityTypeCommand,
  DeprecateDomainCommand,
  DeprecateWorkflowTypeCommand,
  DescribeActivityTypeCommand,
  DescribeDomainCommand,
  DescribeWorkflowExecutionCommand,
  DescribeWorkflowTypeCommand,
  GetWorkflowExecutionHistoryCommand,
  ListWorkflowTypesCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  UndeprecateDomainCommand,
  UndeprecateWorkflowTypeCommand,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture, uniqueName, type Fixture } from '../helpers/swf.js';
import { complete, respond, startRun, takeDecisionTask } from '../helpers/workflow.js';

const { server, swf } = await serverForFile();

const pollDecisionToken = async (f: Fixture): Promise<string> => (await takeDecisionTask(swf, f)).taskToken;

test('UnknownResourceFault: unknown domain, type and execution', async () => {
  const f = await registerFixture(swf);
  const nowhere = uniqueName('nowhere');
  await expectFault(swf.send(new DescribeDomainCommand({ name: nowhere })), 'UnknownResourceFault', `Unknown domain: ${nowhere}`);
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: nowhere, workflowId: 'w', workflowType: f.workflowType })),
    'UnknownResourceFault',
  );
  await expectFault(swf.send(new PollForDecisionTaskCommand({ domain: nowhere, taskList: { name: 't' } })), 'UnknownResourceFault');
  await expectFault(swf.send(new PollForActivityTaskCommand({ domain: nowhere, taskList: { name: 't' } })), 'UnknownResourceFault');
  await expectFault(swf.send(new ListWorkflowTypesCommand({ domain: nowhere, registrationStatus: 'REGISTERED' })), 'UnknownResourceFault');

  const ghost = { name: 'ghost', version: '9' };
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', workflowType: ghost })),
    'UnknownResourceFault',
    'Unknown type: WorkflowType=[name=ghost, version=9]',
  );
  await expectFault(swf.send(new DescribeWorkflowTypeCommand({ domain: f.domain, workflowType: ghost })), 'UnknownResourceFault');
  await expectFault(
    swf.send(new DescribeActivityTypeCommand({ domain: f.domain, activityType: ghost })),
    'UnknownResourceFault',
    'Unknown type: ActivityType=[name=ghost, version=9]',
  );
  await expectFault(swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: ghost })), 'UnknownResourceFault');

  const run = await startRun(swf, f, 'known');
  await expectFault(
    swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: { workflowId: 'known', runId: 'no-such-run' } })),
    'UnknownResourceFault',
    'Unknown execution: WorkflowExecution=[workflowId=known, runId=no-such-run]',
  );
  // A real runId under another workflowId, or in another domain, names nothing.
  await expectFault(
    swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution: { workflowId: 'other', runId: run.runId } })),
    'UnknownResourceFault',
  );
  const g = await registerFixture(swf);
  await expectFault(swf.send(new DescribeWorkflowExecutionCommand({ domain: g.domain, execution: run })), 'UnknownResourceFault');
});

test('type lifecycle faults: TypeAlreadyExists, TypeDeprecated, TypeNotDeprecated', async () => {
  const f = await registerFixture(swf);
  const register = () =>
    swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, ...f.workflowType, defaultTaskList: { name: 'x' } }));
  await expectFault(register(), 'TypeAlreadyExistsFault', 'WorkflowType=[name=order, version=1]');
  await expectFault(
    swf.send(new RegisterActivityTypeCommand({ domain: f.domain, ...f.activityType })),
    'TypeAlreadyExistsFault',
    'ActivityType=[name=step, version=1]',
  );
  await expectFault(swf.send(new UndeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType })), 'TypeAlreadyExistsFault');
  // Only a deprecated type can be deleted.
  await expectFault(swf.send(new DeleteWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType })), 'TypeNotDeprecatedFault');
  await expectFault(swf.send(new DeleteActivityTypeCommand({ domain: f.domain, activityType: f.activityType })), 'TypeNotDeprecatedFault');

  await swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType }));
  await expectFault(swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType })), 'TypeDeprecatedFault');
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', workflowType: f.workflowType })),
    'TypeDeprecatedFault',
  );
  // A deprecated type still holds its name and version.
  await expectFault(register(), 'TypeAlreadyExistsFault');
  const described = await swf.send(new DescribeWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType }));
  assert.equal(described.typeInfo?.status, 'DEPRECATED');
  assert.ok(described.typeInfo?.deprecationDate instanceof Date);

  await swf.send(new DeprecateActivityTypeCommand({ domain: f.domain, activityType: f.activityType }));
  await expectFault(swf.send(new DeprecateActivityTypeCommand({ domain: f.domain, activityType: f.activityType })), 'TypeDeprecatedFault');
  await swf.send(new DeleteActivityTypeCommand({ domain: f.domain, activityType: f.activityType }));
  await expectFault(swf.send(new DescribeActivityTypeCommand({ domain: f.domain, activityType: f.activityType })), 'UnknownResourceFault');
  // Once deleted, the name is free again.
  await swf.send(new RegisterActivityTypeCommand({ domain: f.domain, ...f.activityType }));
});

test('domain lifecycle faults: DomainAlreadyExists, DomainDeprecated; a deprecated domain starts nothing', async () => {
  const f = await registerFixture(swf);
  await expectFault(
    swf.send(new RegisterDomainCommand({ name: f.domain, workflowExecutionRetentionPeriodInDays: '1' })),
    'DomainAlreadyExistsFault',
    f.domain,
  );
  await expectFault(swf.send(new UndeprecateDomainCommand({ name: f.domain })), 'DomainAlreadyExistsFault');
  await swf.send(new DeprecateDomainCommand({ name: f.domain }));
  await expectFault(swf.send(new DeprecateDomainCommand({ name: f.domain })), 'DomainDeprecatedFault', f.domain);
  await expectFault(
    swf.send(new RegisterDomainCommand({ name: f.domain, workflowExecutionRetentionPeriodInDays: '1' })),
    'DomainAlreadyExistsFault',
  );
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', workflowType: f.workflowType })),
    'UnknownResourceFault',
  );
  const described = await swf.send(new DescribeDomainCommand({ name: f.domain }));
  assert.equal(described.domainInfo?.status, 'DEPRECATED');
  await swf.send(new UndeprecateDomainCommand({ name: f.domain }));
  // The domain's types were deprecated with it and stay so until undeprecated one by one.
  await expectFault(startRun(swf, f, 'after-undeprecate'), 'TypeDeprecatedFault');
  await swf.send(new UndeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: f.workflowType }));
  await startRun(swf, f, 'after-undeprecate');
});

test('DefaultUndefinedFault names each setting that neither the call nor the type gives', async () => {
  const f = await registerFixture(swf);
  const bare = { name: 'bare', version: '1' };
  await swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, ...bare }));
  const settings: Record<string, unknown> = {};
  const steps: [string, Record<string, unknown>][] = [
    ['executionStartToCloseTimeout', { executionStartToCloseTimeout: '60' }],
    ['taskList', { taskList: { name: 'bare-list' } }],
    ['taskStartToCloseTimeout', { taskStartToCloseTimeout: '10' }],
    ['childPolicy', { childPolicy: 'TERMINATE' }],
  ];
  for (const [missing, fix] of steps) {
    await expectFault(
      swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'bare-run', workflowType: bare, ...settings })),
      'DefaultUndefinedFault',
      missing,
    );
    Object.assign(settings, fix);
  }
  const { runId } = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'bare-run', workflowType: bare, ...settings }));
  const described = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: { workflowId: 'bare-run', runId } }));
  assert.deepEqual(described.executionConfiguration, {
    executionStartToCloseTimeout: '60',
    taskList: { name: 'bare-list' },
    taskStartToCloseTimeout: '10',
    childPolicy: 'TERMINATE',
  });
});

test('WorkflowExecutionAlreadyStartedFault while the id is open; the id is reusable once the run closed', async () => {
  const f = await registerFixture(swf);
  const first = await startRun(swf, f, 'unique');
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'unique', workflowType: f.workflowType })),
    'WorkflowExecutionAlreadyStartedFault',
  );
  // The same id in another domain is another execution.
  const g = await registerFixture(swf);
  await startRun(swf, g, 'unique');

  await respond(swf, await pollDecisionToken(f), [complete()]);
  const second = await startRun(swf, f, 'unique');
  assert.notEqual(second.runId, first.runId);
  const old = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: first }));
  assert.equal(old.executionInfo?.closeStatus, 'COMPLETED');
  const fresh = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: second }));
  assert.equal(fresh.executionInfo?.executionStatus, 'OPEN');
});

test('ValidationException: missing member, bad enum, too long, close decision not last (nothing applied)', async () => {
  const f = await registerFixture(swf);
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowType: f.workflowType } as never)),
    'ValidationException',
    "1 validation error detected: Value null at 'workflowId' failed to satisfy constraint: Member must not be null",
  );
  await expectFault(
    swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: 'n', version: '1', defaultChildPolicy: 'BOGUS' as never })),
    'ValidationException',
    /Value 'BOGUS' at 'defaultChildPolicy' failed to satisfy constraint: Member must satisfy enum value set: \[TERMINATE, REQUEST_CANCEL, ABANDON\]/,
  );
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'x'.repeat(257), workflowType: f.workflowType })),
    'ValidationException',
    /at 'workflowId' failed to satisfy constraint: Member must have length less than or equal to 256/,
  );
  // Every execution ends within a year: no NONE, nothing above the cap, not as a default either.
  for (const executionStartToCloseTimeout of ['NONE', '31536001', '0']) {
    await expectFault(
      swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', workflowType: f.workflowType, executionStartToCloseTimeout })),
      'ValidationException',
    );
  }
  for (const defaultExecutionStartToCloseTimeout of ['NONE', '99999999', '0']) {
    await expectFault(
      swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: `long-${defaultExecutionStartToCloseTimeout}`, version: '1', defaultExecutionStartToCloseTimeout })),
      'ValidationException',
      /defaultExecutionStartToCloseTimeout/,
    );
  }

  const run = await startRun(swf, f, 'validated');
  const token = await pollDecisionToken(f);
  await expectFault(
    swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: token,
        decisions: [
          { decisionType: 'CompleteWorkflowExecution' },
          { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'after-close' } },
        ],
      }),
    ),
    'ValidationException',
    'Close must be last decision in list',
  );
  await expectFault(
    swf.send(
      new RespondDecisionTaskCompletedCommand({
        taskToken: token,
        decisions: [{ decisionType: 'CompleteWorkflowExecution' }, { decisionType: 'FailWorkflowExecution' }],
      }),
    ),
    'ValidationException',
    'Close must be last decision in list',
  );
  await expectFault(
    swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: token, decisions: [{ decisionType: 'StartTimer' }] })),
    'ValidationException',
    /Value null at 'decisions.1.member.startTimerDecisionAttributes' failed to satisfy constraint: Member must not be null/,
  );
  // The rejected answers changed nothing: the task is still the decider's to answer.
  assert.deepEqual(eventTypes(await history(swf, f.domain, run)), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
  await respond(swf, token, [complete()]);
  assert.equal(eventTypes(await history(swf, f.domain, run)).at(-1), 'WorkflowExecutionCompleted');
});

test('a continue-as-new decision may ask for no execution timeout (NONE), unlike a start', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'endless');
  await respond(swf, await pollDecisionToken(f), [
    { decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { executionStartToCloseTimeout: 'NONE' } },
  ]);
  const events = await history(swf, f.domain, run);
  assert.equal(events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.executionStartToCloseTimeout, 'NONE');
});

/** A raw AWS JSON 1.0 call, for what the SDK would never send. */
async function raw(target: string, body: string): Promise<{ status: number; type: string; message: string }> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  const json = (await res.json()) as { __type: string; message: string };
  assert.ok(res.headers.get('x-amzn-requestid'), 'every answer carries a request id');
  return { status: res.status, type: json.__type, message: json.message };
}

test('SerializationException for a body that is not the right JSON; UnknownOperationException', async () => {
  for (const body of ['{not json', '[1,2]', '"text"', '{"name": 5, "workflowExecutionRetentionPeriodInDays": "1"}']) {
    const r = await raw('SimpleWorkflowService.RegisterDomain', body);
    assert.equal(r.status, 400, body);
    assert.match(r.type, /#SerializationException$/, `${body}: ${r.type} ${r.message}`);
  }
  const unknown = await raw('SimpleWorkflowService.LaunchRocket', '{}');
  assert.equal(unknown.status, 400);
  assert.match(unknown.type, /#UnknownOperationException$/);
  const missing = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  assert.equal(missing.status, 400);
  assert.match(((await missing.json()) as { __type: string }).__type, /#UnknownOperationException$/);
});
