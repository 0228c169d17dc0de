/**
 * One generic validator for the input of every SWF operation, driven by the generated
 * model tables — no per-operation checks. It reproduces, in order, what the AWS JSON
 * framework (Coral) in front of SWF does:
 *
 * 1. Deserialisation: a JSON value of the wrong kind for its shape (a number for a string,
 *    an object for a list, ...) stops at once with SerializationException, using Coral's
 *    wording ("NUMBER_VALUE can not be converted to a String", "Start of list found where
 *    not expected", "Expected list or null", "Expected null", ...).
 * 2. Model constraints: required, length, enum, range — all collected, then answered as one
 *    ValidationException: "2 validation errors detected: Value ... at '...' failed to satisfy
 *    constraint: ...; Value ...". Paths name list elements 1-based with a `.member` suffix:
 *    `decisions.1.member.startTimerDecisionAttributes.timerId`.
 * 3. SWF's own rules that the public model leaves out (durations, identifiers, priorities),
 *    from the small tables below, keyed by shape — checked only when 1 and 2 pass, and
 *    answered with the first violation as ValidationException "Invalid <member>: <value>".
 *
 * Sources for the wording (no live SWF was available here; these are third-party records
 * of the live service): getmoto/moto#10262 / #10263 (live-verified "Value null at
 * 'execution.runId' ..." messages), getmoto/moto SWF tests (nested decision paths),
 * floci-io/floci#2257 (DecisionType enum order as the live service prints it), the Coral
 * deserialisation messages recorded by the test suites of AWS JSON emulators (an Athena one
 * that measured them live, a DynamoDB one with the older "class java.lang.X" wording), and
 * aws/aws-sdk-ruby#581 and amazon-archives/aws-flow-ruby#32 (RegisterWorkflowType answering
 * "Invalid name: Test::HelloWorldWorkflow.hello_workflow" as ValidationException).
 */
import { SwfFault } from '../faults.js';
import type { ModelFaultName } from '../faults.js';
import { operations, shapes } from './tables.js';
import type { ExceptionShapeName, OperationName, ShapeDef, ShapeName } from './tables.js';

// A fault the model adds must be named in faults.ts before this file compiles.
const modelFaultsAreKnown: ExceptionShapeName extends ModelFaultName ? true : never = true;
void modelFaultsAreKnown;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

// ------------------------------------------------------------------ SWF rules beyond the model

/** A rule SWF applies to a string value beyond the model's length and enum constraints. */
export interface StringRule {
  /** What a valid value looks like, for documentation and log lines. */
  readonly description: string;
  readonly test: (value: string) => boolean;
}

const WHOLE_SECONDS = /^[0-9]+$/;

/** Durations are decimal seconds ("SWF Timeout Types" and each timeout's API reference). */
export const DURATION_SECONDS: StringRule = {
  description: 'a whole number of seconds',
  test: (v) => WHOLE_SECONDS.test(v),
};

/** Most timeouts also take "NONE", meaning no limit (the one-year execution cap still holds). */
export const DURATION_SECONDS_OR_NONE: StringRule = {
  description: 'a whole number of seconds, or NONE',
  test: (v) => v === 'NONE' || WHOLE_SECONDS.test(v),
};

/** RegisterDomain's retention: whole days up to 90, or NONE / 0 for "not retained". */
export const MAX_RETENTION_DAYS = 90;
export const RETENTION_DAYS: StringRule = {
  description: `a whole number of days from 0 to ${MAX_RETENTION_DAYS}, or NONE`,
  test: (v) => v === 'NONE' || (WHOLE_SECONDS.test(v) && Number(v) <= MAX_RETENTION_DAYS),
};

/** taskPriority: a decimal integer in Java's int range (API reference, every taskPriority). */
export const TASK_PRIORITY: StringRule = {
  description: 'an integer from -2147483648 to 2147483647',
  test: (v) => /^[+-]?[0-9]+$/.test(v) && Number(v) >= -2147483648 && Number(v) <= 2147483647,
};

// ':' '/' '|' and the C0/C1 control characters; SWF builds ARNs and keys from these names.
const IDENTIFIER_FORBIDDEN = /[:/|\u0000-\u001f\u007f-\u009f]/;

/** Names and ids that SWF turns into resource names: no : / | or control characters, not "arn". */
export const IDENTIFIER: StringRule = {
  description: 'no ":", "/", "|" or control characters, and not the literal "arn"',
  test: (v) => !IDENTIFIER_FORBIDDEN.test(v) && v !== 'arn',
};

/** IDENTIFIER, and also no leading or trailing whitespace (domain and task list names). */
export const TRIMMED_IDENTIFIER: StringRule = {
  description: `${IDENTIFIER.description}, without leading or trailing whitespace`,
  test: (v) => IDENTIFIER.test(v) && !/^\s|\s$/.test(v),
};

/**
 * Rules by value shape: apply wherever the shape is used in a request. DurationInSeconds
 * appears in input only as StartTimer's startToFireTimeout, which has no "NONE" form.
 */
export const SHAPE_RULES: Readonly<Partial<Record<ShapeName, readonly StringRule[]>>> = {
  DurationInSeconds: [DURATION_SECONDS],
  DurationInSecondsOptional: [DURATION_SECONDS_OR_NONE],
  DurationInDays: [RETENTION_DAYS],
  TaskPriority: [TASK_PRIORITY],
};

/**
 * Rules by structure member (`Structure.member`), replacing SHAPE_RULES for that member.
 * The list follows the SWF API reference, which states the identifier rule per field:
 * RegisterDomain name; Register{Workflow,Activity}Type name and version; StartWorkflowExecution
 * domain and workflowId; the ScheduleActivityTask activityId; the StartChildWorkflowExecution
 * workflowId; the StartTimer timerId; and task list names (PollFor*Task, ScheduleActivityTask,
 * StartChildWorkflowExecution, StartWorkflowExecution). Task lists come into being wherever
 * they are named, so the rule is keyed on TaskList.name and covers every mention.
 * SignalName, MarkerName and Lambda ids carry no such rule in the reference.
 * The reference also says executionStartToCloseTimeout (StartWorkflowExecution) and
 * defaultExecutionStartToCloseTimeout (RegisterWorkflowType) cannot be "NONE"; the same
 * field on ContinueAsNew and StartChildWorkflowExecution decisions can.
 */
/** A structure member, as `Structure.member`. */
export type MemberKey = `${ShapeName}.${string}`;

export const MEMBER_RULES: Readonly<Partial<Record<MemberKey, readonly StringRule[]>>> = {
  'RegisterDomainInput.name': [TRIMMED_IDENTIFIER],
  'TaskList.name': [TRIMMED_IDENTIFIER],
  'RegisterWorkflowTypeInput.name': [IDENTIFIER],
  'RegisterWorkflowTypeInput.version': [IDENTIFIER],
  'RegisterActivityTypeInput.name': [IDENTIFIER],
  'RegisterActivityTypeInput.version': [IDENTIFIER],
  'StartWorkflowExecutionInput.domain': [IDENTIFIER],
  'StartWorkflowExecutionInput.workflowId': [IDENTIFIER],
  'StartChildWorkflowExecutionDecisionAttributes.workflowId': [IDENTIFIER],
  'ScheduleActivityTaskDecisionAttributes.activityId': [IDENTIFIER],
  'StartTimerDecisionAttributes.timerId': [IDENTIFIER],
  'StartWorkflowExecutionInput.executionStartToCloseTimeout': [DURATION_SECONDS],
  'RegisterWorkflowTypeInput.defaultExecutionStartToCloseTimeout': [DURATION_SECONDS],
};

/**
 * Enum value sets in the order the live service prints them, where it differs from the
 * model's (floci-io/floci, SwfConstants.DECISION_TYPE_SET_MESSAGE, measured against SWF).
 * Used only while it names exactly the model's values, so a model change cannot hide one.
 */
export const ENUM_MESSAGE_ORDER: Readonly<Partial<Record<ShapeName, readonly string[]>>> = {
  DecisionType: [
    'CompleteWorkflowExecution',
    'StartTimer',
    'RequestCancelExternalWorkflowExecution',
    'SignalExternalWorkflowExecution',
    'CancelTimer',
    'RecordMarker',
    'ScheduleActivityTask',
    'ContinueAsNewWorkflowExecution',
    'ScheduleLambdaFunction',
    'FailWorkflowExecution',
    'RequestCancelActivityTask',
    'StartChildWorkflowExecution',
    'CancelWorkflowExecution',
  ],
};

// ------------------------------------------------------------------ the validator

/**
 * Checks `input` against the input shape of `operation`; throws SwfFault
 * (SerializationException or ValidationException) when it does not conform.
 *
 * Normalises in place so that the value really has its TypeScript input type: JSON `null`
 * members are deleted (Coral reads null as absent). Unknown members are left alone.
 *
 * Numbers must fit what they stand for: an integer member takes a whole number in Java's int
 * range, a long one a whole number JavaScript holds exactly (a fraction or anything larger
 * is the wrong kind of value: SerializationException), and a timestamp a time JavaScript
 * dates can hold (ValidationException otherwise), so no number reaches the store that a
 * column cannot take.
 */
export function validateInput(operation: OperationName, input: unknown): asserts input is Record<string, unknown> {
  const walk: Walk = { constraints: [], rules: [] };
  if (!isObject(input)) typeMismatch(input, 'structure');
  checkValue(operations[operation].input, input, '', undefined, walk);
  if (walk.constraints.length > 0) throw validationFault(walk.constraints);
  const broken = walk.rules[0];
  if (broken !== undefined) throw new SwfFault('ValidationException', broken);
}

interface Walk {
  /** Model constraint failures, in Coral's message form, in member order. */
  readonly constraints: string[];
  /** SWF rule failures, reported only when there are no constraint failures. */
  readonly rules: string[];
}

export function validationFault(errors: readonly string[]): SwfFault {
  const n = errors.length;
  return new SwfFault('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

/** Checks one value; returns it, or its normalised replacement (truncated integers). */
function checkValue(name: ShapeName, value: unknown, path: string, owner: MemberKey | undefined, walk: Walk): unknown {
  const def: ShapeDef = shapes[name];
  switch (def.type) {
    case 'structure': {
      if (!isObject(value)) typeMismatch(value, 'structure');
      for (const [member, memberShape] of Object.entries(def.members)) {
        const memberPath = path === '' ? member : `${path}.${member}`;
        let memberValue = Object.hasOwn(value, member) ? value[member] : undefined;
        if (memberValue === null) {
          delete value[member];
          memberValue = undefined;
        }
        if (memberValue === undefined) {
          if (def.required?.includes(member)) walk.constraints.push(constraint(null, memberPath, 'Member must not be null'));
          continue;
        }
        const checked = checkValue(memberShape, memberValue, memberPath, `${name}.${member}`, walk);
        if (checked !== memberValue) value[member] = checked;
      }
      return value;
    }
    case 'list': {
      if (!Array.isArray(value)) typeMismatch(value, 'list');
      const list: unknown[] = value;
      checkLength(list.length, def, list, path, walk);
      list.forEach((element, i) => {
        const elementPath = `${path}.${i + 1}.member`;
        if (element === null) {
          // Kept as an error rather than skipped: handlers rely on the element type.
          walk.constraints.push(constraint(null, elementPath, 'Member must not be null'));
          return;
        }
        const checked = checkValue(def.member, element, elementPath, undefined, walk);
        if (checked !== element) list[i] = checked;
      });
      return list;
    }
    case 'map': {
      if (!isObject(value)) typeMismatch(value, 'map');
      checkLength(Object.keys(value).length, def, value, path, walk);
      for (const [key, entry] of Object.entries(value)) {
        checkValue(def.key, key, path, undefined, walk);
        if (entry === null) continue;
        const checked = checkValue(def.value, entry, `${path}.${key}`, undefined, walk);
        if (checked !== entry) value[key] = checked;
      }
      return value;
    }
    case 'string': {
      if (typeof value !== 'string') typeMismatch(value, 'a String');
      if (def.enum !== undefined && !def.enum.includes(value)) {
        const set = enumForMessage(name, def.enum).join(', ');
        walk.constraints.push(constraint(value, path, `Member must satisfy enum value set: [${set}]`));
      }
      checkLength(value.length, def, value, path, walk);
      const rules = (owner !== undefined ? MEMBER_RULES[owner] : undefined) ?? SHAPE_RULES[name];
      for (const rule of rules ?? []) {
        if (!rule.test(value)) walk.rules.push(`Invalid ${memberName(path)}: ${value}`);
      }
      return value;
    }
    case 'integer':
    case 'long': {
      const target = def.type === 'integer' ? 'an Integer' : 'a Long';
      if (typeof value !== 'number') typeMismatch(value, target);
      const fits = def.type === 'integer' ? Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX : Number.isSafeInteger(value);
      if (!fits) throw new SwfFault('SerializationException', `NUMBER_VALUE can not be converted to ${target}`);
      const n = value;
      if (def.min !== undefined && n < def.min) {
        walk.constraints.push(constraint(n, path, `Member must have value greater than or equal to ${def.min}`));
      }
      if (def.max !== undefined && n > def.max) {
        walk.constraints.push(constraint(n, path, `Member must have value less than or equal to ${def.max}`));
      }
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') typeMismatch(value, 'a Boolean');
      return value;
    case 'timestamp':
      // The AWS JSON protocol sends timestamps as epoch seconds (a JSON number).
      if (typeof value !== 'number') typeMismatch(value, 'a Timestamp');
      if (!(Math.abs(value) <= MAX_TIMESTAMP_SECONDS)) {
        walk.constraints.push(constraint(value, path, `Member must be a time within ${MAX_TIMESTAMP_SECONDS} seconds of the epoch`));
      }
      return value;
  }
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** The range of a JavaScript Date (±8.64e15 ms), in the epoch seconds the wire carries. */
export const MAX_TIMESTAMP_SECONDS = 8.64e12;

/** Coral's wording for lengths: the same phrase for strings and for lists. */
function checkLength(length: number, def: { min?: number; max?: number }, value: unknown, path: string, walk: Walk): void {
  if (def.min !== undefined && length < def.min) {
    walk.constraints.push(constraint(value, path, `Member must have length greater than or equal to ${def.min}`));
  }
  if (def.max !== undefined && length > def.max) {
    walk.constraints.push(constraint(value, path, `Member must have length less than or equal to ${def.max}`));
  }
}

function constraint(value: unknown, path: string, rule: string): string {
  const shown = value === null ? 'null' : `'${render(value)}'`;
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`;
}

/** The value as Coral prints it (Java's toString): lists as "[a, b]". */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function enumForMessage(name: ShapeName, values: readonly string[]): readonly string[] {
  const live = ENUM_MESSAGE_ORDER[name];
  const same = live !== undefined && live.length === values.length && values.every((v) => live.includes(v));
  return same ? live : values;
}

/** The member a path ends in: `decisions.1.member.startTimerDecisionAttributes.timerId` → timerId. */
function memberName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

type Target = 'structure' | 'list' | 'map' | 'a String' | 'an Integer' | 'a Long' | 'a Boolean' | 'a Timestamp';

/** Throws Coral's SerializationException for a JSON value of the wrong kind. */
function typeMismatch(value: unknown, target: Target): never {
  let message: string;
  if (Array.isArray(value)) message = 'Start of list found where not expected';
  else if (isObject(value)) message = 'Start of structure or map found where not expected.';
  else if (target === 'structure') message = 'Expected null';
  else if (target === 'list') message = 'Expected list or null';
  else if (target === 'map') message = 'Expected map or null';
  else message = `${scalarKind(value)} can not be converted to ${target}`;
  throw new SwfFault('SerializationException', message);
}

function scalarKind(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
    default:
      return 'VALUE';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
