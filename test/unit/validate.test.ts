import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwfFault } from '../../src/faults.js';
import { operations, shapes } from '../../src/model/tables.js';
import type { OperationName } from '../../src/model/tables.js';
import { ENUM_MESSAGE_ORDER, MEMBER_RULES, SHAPE_RULES, isOperationName, validateInput } from '../../src/model/validate.js';

/** The fault validateInput throws for this input (fails the test if it does not throw one). */
function faultOf(operation: OperationName, input: unknown): SwfFault {
  try {
    validateInput(operation, input);
  } catch (err) {
    if (err instanceof SwfFault) return err;
    throw err;
  }
  assert.fail(`expected ${operation} to reject ${JSON.stringify(input)}`);
}

function validation(operation: OperationName, input: unknown): string {
  const fault = faultOf(operation, input);
  assert.equal(fault.code, 'ValidationException', fault.message);
  assert.equal(fault.type, 'com.amazon.coral.validate#ValidationException');
  return fault.message;
}

function serialization(operation: OperationName, input: unknown): string {
  const fault = faultOf(operation, input);
  assert.equal(fault.code, 'SerializationException', fault.message);
  return fault.message;
}

const start = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  domain: 'd',
  workflowId: 'wf-1',
  workflowType: { name: 'T', version: '1' },
  ...extra,
});

const decide = (...decisions: unknown[]): Record<string, unknown> => ({ taskToken: 'tok', decisions });

test('a well-formed input passes and unknown members are ignored', () => {
  const input = start({ tagList: ['a', 'b'], childPolicy: 'TERMINATE', somethingNew: { x: 1 } });
  validateInput('StartWorkflowExecution', input);
  assert.deepEqual(input.somethingNew, { x: 1 });
});

test('a missing required member', () => {
  assert.equal(
    validation('DescribeDomain', {}),
    "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
  );
});

test('several errors are counted and joined in member order', () => {
  assert.equal(
    validation('StartWorkflowExecution', {}),
    '3 validation errors detected: ' +
      "Value null at 'domain' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'workflowId' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'workflowType' failed to satisfy constraint: Member must not be null",
  );
});

test('null means absent: rejected when required, deleted when optional', () => {
  assert.match(validation('StartWorkflowExecution', start({ domain: null })), /^1 validation error detected: Value null at 'domain'/);
  const input = start({ taskList: null, input: null });
  validateInput('StartWorkflowExecution', input);
  assert.equal('taskList' in input, false);
  assert.equal('input' in input, false);
});

test('nested required members are named by their path', () => {
  assert.equal(
    validation('DescribeWorkflowExecution', { domain: 'd', execution: { workflowId: 'w' } }),
    "1 validation error detected: Value null at 'execution.runId' failed to satisfy constraint: Member must not be null",
  );
});

test('string lengths', () => {
  assert.equal(
    validation('DescribeDomain', { name: 'x'.repeat(257) }),
    `1 validation error detected: Value '${'x'.repeat(257)}' at 'name' failed to satisfy constraint: ` +
      'Member must have length less than or equal to 256',
  );
  assert.equal(
    validation('DescribeDomain', { name: '' }),
    "1 validation error detected: Value '' at 'name' failed to satisfy constraint: " +
      'Member must have length greater than or equal to 1',
  );
  validateInput('DescribeDomain', { name: 'x'.repeat(256) });
});

test('enums list the allowed values', () => {
  assert.equal(
    validation('ListDomains', { registrationStatus: 'GONE' }),
    "1 validation error detected: Value 'GONE' at 'registrationStatus' failed to satisfy constraint: " +
      'Member must satisfy enum value set: [REGISTERED, DEPRECATED]',
  );
});

test('integer ranges; a fraction or a number beyond int is no Integer', () => {
  const list = { registrationStatus: 'REGISTERED' };
  assert.equal(
    validation('ListDomains', { ...list, maximumPageSize: 1001 }),
    "1 validation error detected: Value '1001' at 'maximumPageSize' failed to satisfy constraint: " +
      'Member must have value less than or equal to 1000',
  );
  assert.match(validation('ListDomains', { ...list, maximumPageSize: -1 }), /Member must have value greater than or equal to 0$/);
  for (const maximumPageSize of [10.7, 1.5, 2 ** 31, 1e20]) {
    assert.throws(
      () => validateInput('ListDomains', { ...list, maximumPageSize }),
      (err: unknown) => err instanceof SwfFault && err.code === 'SerializationException' && err.message === 'NUMBER_VALUE can not be converted to an Integer',
      String(maximumPageSize),
    );
  }
  const input: Record<string, unknown> = { ...list, maximumPageSize: 10 };
  validateInput('ListDomains', input);
  assert.equal(input.maximumPageSize, 10);
});

test('a timestamp beyond what a date can hold is refused', () => {
  const filter = (oldestDate: number) => ({ domain: 'd', startTimeFilter: { oldestDate } });
  assert.equal(
    validation('ListOpenWorkflowExecutions', filter(1e20)),
    "1 validation error detected: Value '100000000000000000000' at 'startTimeFilter.oldestDate' failed to satisfy constraint: " +
      'Member must be a time within 8640000000000 seconds of the epoch',
  );
  validateInput('ListOpenWorkflowExecutions', filter(8.64e12));
  validateInput('ListOpenWorkflowExecutions', filter(-1.5));
});

test('list lengths print the list', () => {
  assert.equal(
    validation('StartWorkflowExecution', start({ tagList: ['a', 'b', 'c', 'd', 'e', 'f'] })),
    "1 validation error detected: Value '[a, b, c, d, e, f]' at 'tagList' failed to satisfy constraint: " +
      'Member must have length less than or equal to 5',
  );
  assert.match(
    validation('StartWorkflowExecution', start({ tagList: ['ok', null] })),
    /Value null at 'tagList\.2\.member' failed to satisfy constraint: Member must not be null$/,
  );
});

test('decision attributes are validated at 1-based list paths', () => {
  assert.equal(
    validation(
      'RespondDecisionTaskCompleted',
      decide(
        { decisionType: 'CompleteWorkflowExecution' },
        { decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: { name: 'A', version: '1' } } },
      ),
    ),
    '1 validation error detected: ' +
      "Value null at 'decisions.2.member.scheduleActivityTaskDecisionAttributes.activityId' " +
      'failed to satisfy constraint: Member must not be null',
  );
});

test('a bad decision type uses the live service order of the enum', () => {
  const message = validation(
    'RespondDecisionTaskCompleted',
    decide({ decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't' } }, { decisionType: 'FooBar' }),
  );
  assert.equal(
    message,
    '2 validation errors detected: ' +
      "Value null at 'decisions.1.member.startTimerDecisionAttributes.startToFireTimeout' " +
      'failed to satisfy constraint: Member must not be null; ' +
      "Value 'FooBar' at 'decisions.2.member.decisionType' failed to satisfy constraint: " +
      'Member must satisfy enum value set: [CompleteWorkflowExecution, StartTimer, ' +
      'RequestCancelExternalWorkflowExecution, SignalExternalWorkflowExecution, CancelTimer, RecordMarker, ' +
      'ScheduleActivityTask, ContinueAsNewWorkflowExecution, ScheduleLambdaFunction, FailWorkflowExecution, ' +
      'RequestCancelActivityTask, StartChildWorkflowExecution, CancelWorkflowExecution]',
  );
});

test('durations: whole seconds, and NONE only where SWF allows it', () => {
  const timer = (startToFireTimeout: string) =>
    decide({ decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 't', startToFireTimeout } });
  validateInput('RespondDecisionTaskCompleted', timer('60'));
  assert.equal(validation('RespondDecisionTaskCompleted', timer('NONE')), 'Invalid startToFireTimeout: NONE');
  assert.equal(validation('RespondDecisionTaskCompleted', timer('1.5')), 'Invalid startToFireTimeout: 1.5');

  const schedule = (heartbeatTimeout: string) =>
    decide({
      decisionType: 'ScheduleActivityTask',
      scheduleActivityTaskDecisionAttributes: { activityType: { name: 'A', version: '1' }, activityId: 'a1', heartbeatTimeout },
    });
  validateInput('RespondDecisionTaskCompleted', schedule('NONE'));
  validateInput('RespondDecisionTaskCompleted', schedule('0'));
  assert.equal(validation('RespondDecisionTaskCompleted', schedule('10s')), 'Invalid heartbeatTimeout: 10s');
  assert.equal(validation('RespondDecisionTaskCompleted', schedule('-1')), 'Invalid heartbeatTimeout: -1');

  // No NONE for an execution's start-to-close timeout when starting or registering...
  validateInput('StartWorkflowExecution', start({ executionStartToCloseTimeout: '3600', taskStartToCloseTimeout: 'NONE' }));
  assert.equal(
    validation('StartWorkflowExecution', start({ executionStartToCloseTimeout: 'NONE' })),
    'Invalid executionStartToCloseTimeout: NONE',
  );
  const register = { domain: 'd', name: 'T', version: '1' };
  assert.equal(
    validation('RegisterWorkflowType', { ...register, defaultExecutionStartToCloseTimeout: 'NONE' }),
    'Invalid defaultExecutionStartToCloseTimeout: NONE',
  );
  // ...but a continue-as-new decision may ask for no limit.
  validateInput(
    'RespondDecisionTaskCompleted',
    decide({
      decisionType: 'ContinueAsNewWorkflowExecution',
      continueAsNewWorkflowExecutionDecisionAttributes: { executionStartToCloseTimeout: 'NONE' },
    }),
  );
});

test('domain retention: whole days up to 90, or NONE', () => {
  const domain = (days: string) => ({ name: 'd', workflowExecutionRetentionPeriodInDays: days });
  for (const ok of ['0', '1', '90', 'NONE']) validateInput('RegisterDomain', domain(ok));
  assert.equal(validation('RegisterDomain', domain('91')), 'Invalid workflowExecutionRetentionPeriodInDays: 91');
  assert.equal(validation('RegisterDomain', domain('x')), 'Invalid workflowExecutionRetentionPeriodInDays: x');
});

test('task priorities are integers in the Java int range', () => {
  for (const ok of ['0', '-5', '+7', '2147483647', '-2147483648']) {
    validateInput('StartWorkflowExecution', start({ taskPriority: ok }));
  }
  for (const bad of ['2147483648', 'high', '1.0']) {
    assert.equal(validation('StartWorkflowExecution', start({ taskPriority: bad })), `Invalid taskPriority: ${bad}`);
  }
});

test('the identifier rule on names and ids', () => {
  const register = (name: string, version = '1') => ({ domain: 'd', name, version });
  validateInput('RegisterWorkflowType', register('Orders.process-v2 (beta)'));
  validateInput('RegisterWorkflowType', register('arnold'));
  for (const bad of ['A::B', 'a/b', 'a|b', 'arn', 'tab\there', 'nel\u0085', 'del\u007f']) {
    assert.equal(validation('RegisterWorkflowType', register(bad)), `Invalid name: ${bad}`);
  }
  assert.equal(validation('RegisterActivityType', register('A', '1:0')), 'Invalid version: 1:0');
  assert.equal(validation('StartWorkflowExecution', start({ workflowId: 'order/17' })), 'Invalid workflowId: order/17');
  assert.equal(
    validation(
      'RespondDecisionTaskCompleted',
      decide({ decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 'a|b', startToFireTimeout: '5' } }),
    ),
    'Invalid timerId: a|b',
  );
  // Signal names carry no such rule in the API reference.
  validateInput('SignalWorkflowExecution', { domain: 'd', workflowId: 'w', signalName: 'a:b' });
});

test('domain and task list names must also be trimmed; workflow ids need not be', () => {
  assert.equal(validation('RegisterDomain', { name: ' d', workflowExecutionRetentionPeriodInDays: '1' }), 'Invalid name:  d');
  assert.equal(validation('PollForActivityTask', { domain: 'd', taskList: { name: 'q ' } }), 'Invalid name: q ');
  validateInput('StartWorkflowExecution', start({ workflowId: ' padded ' }));
});

test('SWF rules are reported only once the model constraints pass', () => {
  assert.equal(
    validation('StartWorkflowExecution', start({ domain: '', workflowId: 'a:b' })),
    "1 validation error detected: Value '' at 'domain' failed to satisfy constraint: " +
      'Member must have length greater than or equal to 1',
  );
});

test('JSON values of the wrong kind are SerializationException, with Coral wording', () => {
  assert.equal(serialization('DescribeDomain', { name: 7 }), 'NUMBER_VALUE can not be converted to a String');
  assert.equal(serialization('DescribeDomain', { name: true }), 'TRUE_VALUE can not be converted to a String');
  assert.equal(serialization('DescribeDomain', { name: ['d'] }), 'Start of list found where not expected');
  assert.equal(serialization('DescribeDomain', { name: { n: 'd' } }), 'Start of structure or map found where not expected.');
  assert.equal(serialization('StartWorkflowExecution', start({ tagList: 'a' })), 'Expected list or null');
  assert.equal(serialization('StartWorkflowExecution', start({ tagList: {} })), 'Start of structure or map found where not expected.');
  assert.equal(serialization('StartWorkflowExecution', start({ workflowType: 'T' })), 'Expected null');
  assert.equal(serialization('StartWorkflowExecution', start({ workflowType: [] })), 'Start of list found where not expected');
  const list = { registrationStatus: 'REGISTERED' };
  assert.equal(serialization('ListDomains', { ...list, maximumPageSize: '5' }), 'STRING_VALUE can not be converted to an Integer');
  assert.equal(serialization('ListDomains', { ...list, reverseOrder: 'true' }), 'STRING_VALUE can not be converted to a Boolean');
  assert.equal(
    serialization('ListOpenWorkflowExecutions', { domain: 'd', startTimeFilter: { oldestDate: '2024-01-01' } }),
    'STRING_VALUE can not be converted to a Timestamp',
  );
  assert.equal(serialization('RespondDecisionTaskCompleted', decide(42)), 'Expected null');
  assert.equal(serialization('DescribeDomain', []), 'Start of list found where not expected');
});

test('deserialisation fails before constraints are looked at', () => {
  assert.equal(serialization('StartWorkflowExecution', { domain: '', workflowId: 5 }), 'NUMBER_VALUE can not be converted to a String');
});

test('timestamps are epoch seconds', () => {
  validateInput('ListOpenWorkflowExecutions', { domain: 'd', startTimeFilter: { oldestDate: 1700000000.123 } });
});

test('every operation validates an empty input without crashing', () => {
  for (const name of Object.keys(operations)) {
    assert.ok(isOperationName(name));
    try {
      validateInput(name, {});
    } catch (err) {
      assert.ok(err instanceof SwfFault && err.code === 'ValidationException', `${name}: ${String(err)}`);
    }
  }
  assert.equal(isOperationName('toString'), false);
  assert.equal(isOperationName('NoSuchOperation'), false);
});

test('the rule tables name real shapes and members', () => {
  for (const key of Object.keys(MEMBER_RULES)) {
    const [structure = '', member = ''] = key.split('.');
    const def = isShape(structure) ? shapes[structure] : undefined;
    assert.ok(def?.type === 'structure' && Object.hasOwn(def.members, member), `${key} is not a structure member`);
    const memberShape = def.members[member];
    assert.equal(memberShape !== undefined && shapes[memberShape].type, 'string', `${key} is not a string`);
  }
  for (const [name, rules] of Object.entries(SHAPE_RULES)) {
    assert.ok(rules !== undefined);
    assert.equal(isShape(name) && shapes[name].type, 'string', `${name} is not a string shape`);
  }
  for (const [name, order] of Object.entries(ENUM_MESSAGE_ORDER)) {
    const def = isShape(name) ? shapes[name] : undefined;
    assert.ok(def?.type === 'string' && def.enum !== undefined, `${name} is not an enum`);
    assert.deepEqual([...(order ?? [])].sort(), [...def.enum].sort(), `${name}: live order names other values`);
  }
});

function isShape(name: string): name is keyof typeof shapes {
  return Object.hasOwn(shapes, name);
}

test('the decision kinds whose attributes are required come from the model', async () => {
  const { ATTRIBUTES_REQUIRED } = await import('../../src/api/respond-decision-task-completed.js');
  // Those whose attributes structure has required members; the close decisions' have none.
  assert.deepEqual([...ATTRIBUTES_REQUIRED].sort(), [
    'CancelTimer',
    'RecordMarker',
    'RequestCancelActivityTask',
    'RequestCancelExternalWorkflowExecution',
    'ScheduleActivityTask',
    'ScheduleLambdaFunction',
    'SignalExternalWorkflowExecution',
    'StartChildWorkflowExecution',
    'StartTimer',
  ]);
});
