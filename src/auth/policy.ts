/**
 * IAM identity policies: parsed and checked the way IAM checks them when a policy is attached
 * (so a document IAM would refuse stops the server at start), then evaluated the way IAM's
 * evaluation logic does for one principal with identity policies only:
 *
 *   an explicit Deny in any matching statement wins; otherwise an Allow in any matching
 *   statement allows; otherwise the request is implicitly denied.
 *
 * A statement matches when its Action (or NotAction) matches the action, its Resource (or
 * NotResource) matches the resource, and every condition of its Condition block holds.
 * Pure: no I/O, no clock.
 */

export type Effect = 'Allow' | 'Deny';
export type Verdict = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Condition keys of one request. A missing key is absent from the request context. */
export type ConditionContext = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface AccessQuery {
  /** `swf:StartWorkflowExecution`, `openswf:Admin`, ... */
  action: string;
  /**
   * The resource ARN the action is on (`*` for actions without a resource); several when a
   * resource has more than one documented spelling (a statement naming any of them matches).
   */
  resource: string | readonly string[];
  context: ConditionContext;
}

/** An error in a policy document, naming where it is (e.g. `Statement[1].Condition`). */
export class PolicyError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'PolicyError';
  }
}

type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'ArnEquals'
  | 'ArnNotEquals'
  | 'ArnLike'
  | 'ArnNotLike'
  | 'Bool'
  | 'Null';

const BASE_OPERATORS: ReadonlySet<string> = new Set<BaseOperator>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Bool',
  'Null',
]);

/** Operators IAM knows but OpenSWF does not evaluate: refused by name rather than misjudged. */
const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set([
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
]);

/** Negated operators hold when the key is absent (IAM: "the condition is true"). */
const NEGATED: ReadonlySet<BaseOperator> = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

interface Condition {
  operator: BaseOperator;
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
  ifExists: boolean;
  /** Lower case: condition keys are case-insensitive. */
  key: string;
  /** For the matchers: one predicate per policy value (OR of values). */
  matchers: readonly Matcher[];
  /** Null: true means "the key must be absent". */
  nullWanted?: boolean;
}

interface Statement {
  effect: Effect;
  actions: readonly RegExp[];
  notAction: boolean;
  resources: readonly Matcher[];
  notResource: boolean;
  conditions: readonly Condition[];
}

/** The request's condition keys, lower-cased: what policy variables (`${aws:username}`) read. */
type Vars = ReadonlyMap<string, readonly string[]>;
type Matcher = (value: string, vars: Vars) => boolean;

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/** A set of parsed policies: one caller's permissions. */
export class PolicySet {
  private constructor(
    private readonly statements: readonly Statement[],
    /** Whether any condition reads a key with this prefix (lets callers skip costly lookups). */
    private readonly keysUsed: readonly string[],
  ) {}

  /** Parses documents as IAM takes them; throws PolicyError naming the place of the first fault. */
  static parse(documents: readonly unknown[], where = 'policies'): PolicySet {
    const statements: Statement[] = [];
    documents.forEach((doc, i) => statements.push(...parseDocument(doc, `${where}[${i}]`)));
    const keys = new Set<string>();
    for (const s of statements) for (const c of s.conditions) keys.add(c.key);
    return new PolicySet(statements, [...keys]);
  }

  /** Whether some condition reads a key starting with `prefix` (lower case). */
  usesKeyPrefix(prefix: string): boolean {
    const p = prefix.toLowerCase();
    return this.keysUsed.some((k) => k.startsWith(p));
  }

  evaluate(query: AccessQuery): Verdict {
    let allowed = false;
    const context = lowerCaseKeys(query.context);
    for (const s of this.statements) {
      if (s.effect === 'Allow' && allowed) continue; // only a Deny can still change the verdict
      if (!targetMatches(s, query, context)) continue;
      if (!s.conditions.every((cond) => conditionHolds(cond, context.get(cond.key), context))) continue;
      if (s.effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
    return allowed ? 'Allow' : 'ImplicitDeny';
  }
}

function targetMatches(s: Statement, q: AccessQuery, vars: Vars): boolean {
  const actionHit = s.actions.some((re) => re.test(q.action));
  if (actionHit === s.notAction) return false;
  const resources = typeof q.resource === 'string' ? [q.resource] : q.resource;
  const resourceHit = s.resources.some((m) => resources.some((r) => m(r, vars)));
  return resourceHit !== s.notResource;
}

function lowerCaseKeys(context: ConditionContext): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(context)) {
    if (v === undefined) continue;
    map.set(k.toLowerCase(), typeof v === 'string' ? [v] : v);
  }
  return map;
}

function conditionHolds(c: Condition, values: readonly string[] | undefined, vars: Vars): boolean {
  if (c.operator === 'Null') return (values === undefined || values.length === 0) === c.nullWanted;
  const absent = values === undefined || values.length === 0;
  if (absent) {
    if (c.ifExists) return true;
    // ForAllValues over an empty set is vacuously true; ForAnyValue over it is false.
    if (c.set === 'ForAllValues') return true;
    if (c.set === 'ForAnyValue') return false;
    return NEGATED.has(c.operator);
  }
  const negated = NEGATED.has(c.operator);
  // A negated operator holds for a value that matches none of the policy values.
  const valueHolds = (v: string): boolean => {
    const any = c.matchers.some((m) => m(v, vars));
    return negated ? !any : any;
  };
  if (c.set === 'ForAllValues') return values.every(valueHolds);
  if (c.set === 'ForAnyValue') return values.some(valueHolds);
  // A single-valued operator on a key with several values: negated forms must hold for
  // every value, positive ones for at least one.
  return negated ? values.every(valueHolds) : values.some(valueHolds);
}

function parseDocument(doc: unknown, where: string): Statement[] {
  if (!isObject(doc)) throw new PolicyError(where, 'a policy document must be a JSON object');
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') throw new PolicyError(`${where}.${key}`, 'unknown policy element');
  }
  const version = doc.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new PolicyError(`${where}.Version`, `must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(version)}`);
  }
  const raw = doc.Statement;
  if (raw === undefined) throw new PolicyError(`${where}.Statement`, 'missing required element');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError(`${where}.Statement`, 'must hold at least one statement');
  // Policy variables exist in the 2012-10-17 language only; in 2008-10-17 `${...}` is literal text.
  const variables = version === '2012-10-17';
  return list.map((s, i) => parseStatement(s, `${where}.Statement[${i}]`, variables));
}

function parseStatement(s: unknown, where: string, variables: boolean): Statement {
  if (!isObject(s)) throw new PolicyError(where, 'a statement must be a JSON object');
  for (const key of Object.keys(s)) {
    if (key === 'Principal' || key === 'NotPrincipal') throw new PolicyError(`${where}.${key}`, 'an identity policy may not name a principal');
    if (!STATEMENT_KEYS.has(key)) throw new PolicyError(`${where}.${key}`, 'unknown statement element');
  }
  if (s.Sid !== undefined && (typeof s.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(s.Sid))) {
    throw new PolicyError(`${where}.Sid`, 'must be a string of letters and digits');
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyError(`${where}.Effect`, 'must be "Allow" or "Deny"');
  const [actionKey, actionValue] = exactlyOne(s, 'Action', 'NotAction', where);
  const [resourceKey, resourceValue] = exactlyOne(s, 'Resource', 'NotResource', where);
  const actions = stringList(actionValue, `${where}.${actionKey}`).map((a, i) => {
    if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) {
      throw new PolicyError(`${where}.${actionKey}[${i}]`, `"${a}" is not an action: use <service>:<action>, e.g. swf:StartWorkflowExecution`);
    }
    return glob(a, true);
  });
  const resources = stringList(resourceValue, `${where}.${resourceKey}`).map((r, i) => {
    if (r !== '*' && !r.startsWith('arn:')) throw new PolicyError(`${where}.${resourceKey}[${i}]`, `"${r}" is not an ARN or "*"`);
    return template(r, { wildcards: true, ignoreCase: false, variables }, `${where}.${resourceKey}[${i}]`);
  });
  return {
    effect: s.Effect,
    actions,
    notAction: actionKey === 'NotAction',
    resources,
    notResource: resourceKey === 'NotResource',
    conditions: s.Condition === undefined ? [] : parseConditionBlock(s.Condition, `${where}.Condition`, variables),
  };
}

function parseConditionBlock(block: unknown, where: string, variables: boolean): Condition[] {
  if (!isObject(block)) throw new PolicyError(where, 'must be a JSON object of operators');
  const conditions: Condition[] = [];
  for (const [name, entries] of Object.entries(block)) {
    const at = `${where}.${name}`;
    let rest = name;
    let set: Condition['set'];
    const colon = rest.indexOf(':');
    if (colon >= 0) {
      const qualifier = rest.slice(0, colon);
      if (qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues') throw new PolicyError(at, `unknown set operator "${qualifier}" (use ForAnyValue or ForAllValues)`);
      set = qualifier;
      rest = rest.slice(colon + 1);
    }
    const ifExists = rest.endsWith('IfExists');
    const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
    if (UNSUPPORTED_OPERATORS.has(base)) throw new PolicyError(at, `condition operator ${base} is not supported by OpenSWF (SWF's condition keys are strings)`);
    if (!BASE_OPERATORS.has(base)) throw new PolicyError(at, `unknown condition operator "${name}"`);
    const operator = base as BaseOperator;
    if (operator === 'Null' && (ifExists || set !== undefined)) throw new PolicyError(at, 'Null takes neither IfExists nor a set operator');
    if (!isObject(entries)) throw new PolicyError(at, 'must map condition keys to values');
    for (const [key, value] of Object.entries(entries)) {
      const keyAt = `${at}.${key}`;
      if (!/^[A-Za-z0-9-]+:\S+$/.test(key)) throw new PolicyError(keyAt, 'a condition key is <prefix>:<name>, e.g. swf:taskList.name');
      const values = conditionValues(value, keyAt);
      if (operator === 'Null') {
        if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false')) throw new PolicyError(keyAt, 'Null takes "true" or "false"');
        conditions.push({ operator, set, ifExists, key: key.toLowerCase(), matchers: [], nullWanted: values[0] === 'true' });
        continue;
      }
      conditions.push({ operator, set, ifExists, key: key.toLowerCase(), matchers: values.map((v) => matcher(operator, v, variables, keyAt)) });
    }
  }
  return conditions;
}

function matcher(operator: BaseOperator, policyValue: string, variables: boolean, where: string): Matcher {
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals':
    case 'ArnEquals':
    case 'ArnNotEquals':
      return template(policyValue, { wildcards: false, ignoreCase: false, variables }, where);
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
    case 'Bool':
      return template(policyValue, { wildcards: false, ignoreCase: true, variables }, where);
    case 'StringLike':
    case 'StringNotLike':
    case 'ArnLike':
    case 'ArnNotLike':
      return template(policyValue, { wildcards: true, ignoreCase: false, variables }, where);
    case 'Null':
      return () => false;
    default: {
      const never: never = operator;
      throw new Error(`unhandled operator ${String(never)}`);
    }
  }
}

/**
 * A policy string as a matcher: `*` and `?` are wildcards where the element takes them, and
 * with the 2012-10-17 language `${key}` (or `${key, 'default'}`) is the request's value of that
 * condition key, matched literally; `${*}`, `${?}` and `${$}` are the literal characters. A
 * variable the request lacks, with no default, matches nothing (IAM's rule).
 */
function template(text: string, o: { wildcards: boolean; ignoreCase: boolean; variables: boolean }, where: string): Matcher {
  const flags = o.ignoreCase ? 'is' : 's';
  const literal = (t: string) => t.replace(/[.+^${}()|[\]\\*?]/g, (ch) => `\\${ch}`);
  const pattern = (t: string) => (o.wildcards ? t.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`)) : literal(t));
  if (!o.variables || !text.includes('${')) {
    const re = new RegExp(`^${pattern(text)}$`, flags);
    return (value) => re.test(value);
  }
  type Part = { text: string } | { key: string; fallback?: string };
  const parts: Part[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    const inner = (m[1] ?? '').trim();
    if (inner === '*' || inner === '?' || inner === '$') parts.push({ key: '', fallback: inner });
    else {
      const d = /^([^,\s]+)\s*,\s*'([^']*)'$/.exec(inner);
      const key = (d ? d[1] : inner) ?? '';
      if (!/^[A-Za-z0-9-]+:\S+$/.test(key)) throw new PolicyError(where, `"\${${inner}}" is not a policy variable`);
      parts.push({ key: key.toLowerCase(), ...(d?.[2] !== undefined ? { fallback: d[2] } : {}) });
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return (value, vars) => {
    let body = '';
    for (const part of parts) {
      if ('text' in part) body += pattern(part.text);
      else {
        const v = part.key === '' ? part.fallback : (vars.get(part.key)?.[0] ?? part.fallback);
        if (v === undefined) return false;
        body += literal(v);
      }
    }
    return new RegExp(`^${body}$`, flags).test(value);
  };
}

/** IAM's wildcards: `*` any run of characters, `?` any one character. */
function glob(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`));
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

function exactlyOne(s: Record<string, unknown>, a: string, b: string, where: string): [string, unknown] {
  const hasA = s[a] !== undefined;
  const hasB = s[b] !== undefined;
  if (hasA === hasB) throw new PolicyError(where, `a statement needs exactly one of ${a} and ${b}`);
  return hasA ? [a, s[a]] : [b, s[b]];
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyError(where, 'must not be empty');
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') throw new PolicyError(Array.isArray(value) ? `${where}[${i}]` : where, 'must be a non-empty string');
    return v;
  });
}

/** IAM takes strings, numbers and booleans as condition values, compared as strings. */
function conditionValues(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyError(where, 'must hold at least one value');
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new PolicyError(where, 'condition values must be strings, numbers or booleans');
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
