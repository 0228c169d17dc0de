/**
 * Optional request throttling: one token bucket per operation, as SWF throttles its API
 * ("Amazon SWF throttling quotas" in the developer guide). A call takes a token from its
 * operation's bucket; an empty bucket answers ThrottlingException (HTTP 400,
 * com.amazon.coral.availability), which every AWS SDK retries with backoff. Buckets refill
 * continuously at their rate up to their size.
 *
 * Off by default. `openswf serve --throttle swf` applies SWF's published rates;
 * `--throttle-config <file>` reads a JSON file (see docs/configuration.md). The buckets are
 * per server process and count every caller together (SWF's are per account), and they run
 * on real time even when the server's clock is virtual: they limit request rates, not
 * workflow time.
 */
import { readFileSync } from 'node:fs';
import { SwfFault } from '../faults.js';
import { isOperationName } from '../model/validate.js';
import type { OperationName } from '../model/tables.js';

export interface BucketSpec {
  /** The most tokens the bucket holds: how large a burst passes at once. */
  bucketSize: number;
  /** Tokens added per second: the sustained rate. */
  refillPerSecond: number;
}

export type ThrottleRates = Partial<Record<OperationName, BucketSpec>>;

const bucket = (bucketSize: number, refillPerSecond: number): BucketSpec => ({ bucketSize, refillPerSecond });

/** SWF's account-level API rates, the same in every region (developer guide, "Amazon SWF Quotas"). */
export const SWF_THROTTLE_RATES: Readonly<Record<OperationName, BucketSpec>> = Object.freeze({
  CountClosedWorkflowExecutions: bucket(2000, 6),
  CountOpenWorkflowExecutions: bucket(2000, 6),
  CountPendingActivityTasks: bucket(200, 6),
  CountPendingDecisionTasks: bucket(200, 6),
  DeleteActivityType: bucket(200, 6),
  DeleteWorkflowType: bucket(200, 6),
  DeprecateActivityType: bucket(200, 6),
  DeprecateDomain: bucket(100, 6),
  DeprecateWorkflowType: bucket(200, 6),
  DescribeActivityType: bucket(2000, 6),
  DescribeDomain: bucket(200, 6),
  DescribeWorkflowExecution: bucket(2000, 6),
  DescribeWorkflowType: bucket(2000, 6),
  GetWorkflowExecutionHistory: bucket(2000, 60),
  ListActivityTypes: bucket(200, 6),
  ListClosedWorkflowExecutions: bucket(200, 6),
  ListDomains: bucket(100, 6),
  ListOpenWorkflowExecutions: bucket(200, 48),
  ListTagsForResource: bucket(50, 30),
  ListWorkflowTypes: bucket(200, 6),
  PollForActivityTask: bucket(2000, 200),
  PollForDecisionTask: bucket(2000, 200),
  RecordActivityTaskHeartbeat: bucket(2000, 160),
  RegisterActivityType: bucket(200, 60),
  RegisterDomain: bucket(100, 6),
  RegisterWorkflowType: bucket(200, 60),
  RequestCancelWorkflowExecution: bucket(2000, 30),
  RespondActivityTaskCanceled: bucket(2000, 200),
  RespondActivityTaskCompleted: bucket(2000, 200),
  RespondActivityTaskFailed: bucket(2000, 200),
  RespondDecisionTaskCompleted: bucket(2000, 200),
  SignalWorkflowExecution: bucket(2000, 30),
  StartWorkflowExecution: bucket(2000, 200),
  TagResource: bucket(50, 30),
  TerminateWorkflowExecution: bucket(2000, 60),
  UndeprecateActivityType: bucket(200, 6),
  UndeprecateDomain: bucket(100, 6),
  UndeprecateWorkflowType: bucket(200, 6),
  UntagResource: bucket(50, 30),
});

/** A token bucket on a monotonic clock in milliseconds. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number,
  ) {
    this.tokens = spec.bucketSize;
    this.updatedAt = now();
  }

  /** Takes a token if there is one. */
  tryTake(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.spec.bucketSize, this.tokens + elapsedSeconds * this.spec.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class Throttle {
  private readonly buckets = new Map<OperationName, TokenBucket>();

  constructor(rates: ThrottleRates, now: () => number = () => performance.now()) {
    for (const [operation, spec] of Object.entries(rates) as [OperationName, BucketSpec][]) {
      this.buckets.set(operation, new TokenBucket(spec, now));
    }
  }

  /** Lets a call of `operation` through, or throws ThrottlingException. */
  admit(operation: OperationName): void {
    if (this.buckets.get(operation)?.tryTake() === false) {
      throw new SwfFault('ThrottlingException', 'Rate exceeded');
    }
  }
}

/**
 * The rates the command line asks for: `--throttle off|swf` picks a preset, and
 * `--throttle-config <file>` reads a JSON file `{"preset"?: "swf" | "off", "operations"?:
 * {"<Operation>": {"bucketSize": n, "refillPerSecond": r} | null}}` whose operations
 * replace the preset's (null lifts an operation's limit). Undefined means no throttling.
 */
export function throttleRatesFromOptions(options: { throttle?: string; configFile?: string }): ThrottleRates | undefined {
  if (options.throttle !== undefined && options.throttle !== 'off' && options.throttle !== 'swf') {
    throw new Error(`--throttle must be off or swf, not "${options.throttle}"`);
  }
  let rates: ThrottleRates | undefined = options.throttle === 'swf' ? { ...SWF_THROTTLE_RATES } : undefined;
  if (options.configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.configFile, 'utf8');
    } catch (err) {
      throw new Error(`cannot read --throttle-config ${options.configFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    rates = parseThrottleConfig(text, rates, options.configFile);
  }
  return rates;
}

/** Reads a throttle configuration file over `base` (the rates of --throttle, if given). */
export function parseThrottleConfig(text: string, base: ThrottleRates | undefined, source = 'throttle configuration'): ThrottleRates | undefined {
  // Annotated so that a call narrows like a throw.
  const fail: (why: string) => never = (why) => {
    throw new Error(`${source}: ${why}`);
  };
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(config)) return fail('must be a JSON object');
  for (const key of Object.keys(config)) if (key !== 'preset' && key !== 'operations') fail(`unknown setting "${key}"`);
  const { preset, operations } = config;
  let rates: ThrottleRates | undefined = base;
  if (preset === 'swf') rates = { ...SWF_THROTTLE_RATES };
  else if (preset === 'off') rates = undefined;
  else if (preset !== undefined) fail('"preset" must be "swf" or "off"');
  if (operations === undefined) return rates;
  if (!isRecord(operations)) return fail('"operations" must be an object keyed by operation name');
  const result: ThrottleRates = { ...rates };
  for (const [name, spec] of Object.entries(operations)) {
    if (!isOperationName(name)) fail(`unknown operation "${name}"`);
    const operation: OperationName = name;
    if (spec === null) {
      delete result[operation];
      continue;
    }
    if (!isRecord(spec) || !isPositive(spec.bucketSize) || !Number.isInteger(spec.bucketSize) || !isPositive(spec.refillPerSecond)) {
      fail(`"${name}" must be {"bucketSize": <whole number ≥ 1>, "refillPerSecond": <number > 0>} or null`);
    }
    result[operation] = { bucketSize: spec.bucketSize, refillPerSecond: spec.refillPerSecond };
  }
  return result;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
