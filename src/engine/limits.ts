/**
 * SWF's quotas, each a setting whose default is the value SWF publishes ("Amazon SWF
 * Quotas" in the developer guide). Operators override them with `openswf serve --limit
 * name=value` (docs/configuration.md); tests use small values to reach them cheaply.
 */
export interface Limits {
  /** Events in one run's history; the run is then terminated (cause EVENT_LIMIT_EXCEEDED). */
  maxEventsPerHistory: number;
  /** Open activity tasks per run (ScheduleActivityTaskFailed OPEN_ACTIVITIES_LIMIT_EXCEEDED). */
  maxOpenActivities: number;
  /** Open timers per run (StartTimerFailed OPEN_TIMERS_LIMIT_EXCEEDED). */
  maxOpenTimers: number;
  /** Open child executions per run (StartChildWorkflowExecutionFailed OPEN_CHILDREN_LIMIT_EXCEEDED). */
  maxOpenChildren: number;
  /** Open Lambda tasks per run (ScheduleLambdaFunctionFailed OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED). */
  maxOpenLambdas: number;
  /** Open executions per domain, children included (LimitExceededFault / OPEN_WORKFLOWS_LIMIT_EXCEEDED). */
  maxOpenExecutionsPerDomain: number;
  /** Domains, deprecated ones included (RegisterDomain: LimitExceededFault). */
  maxDomains: number;
  /** Workflow types, and activity types, per domain ("10,000 each"), deprecated ones included (Register*Type: LimitExceededFault). */
  maxTypesPerDomain: number;
  /** Long polls waiting at once on one task list (PollFor*Task: LimitExceededFault). */
  maxPollersPerTaskList: number;
  /**
   * Count*WorkflowExecutions stops counting here and answers `truncated: true`. SWF
   * truncates on an internal quota it does not publish; this bound keeps a count from
   * scanning without end. The default equals the open-execution limit, so CountOpen is
   * exact under SWF's quotas, and a count costs at most ~10 ms (bench/README.md).
   */
  maxVisibilityCount: number;
}

export const SWF_LIMITS: Readonly<Limits> = Object.freeze({
  maxEventsPerHistory: 25_000,
  maxOpenActivities: 1_000,
  maxOpenTimers: 1_000,
  maxOpenChildren: 1_000,
  maxOpenLambdas: 50,
  maxOpenExecutionsPerDomain: 100_000,
  maxDomains: 100,
  maxTypesPerDomain: 10_000,
  maxPollersPerTaskList: 1_000,
  maxVisibilityCount: 100_000,
});

export const isLimitName = (name: string): name is keyof Limits => Object.hasOwn(SWF_LIMITS, name);

/**
 * Reads `name=value` settings (the repeated `--limit` flag) into overrides of SWF_LIMITS.
 * Throws an Error naming the bad setting; every limit is a whole number of at least 1.
 */
export function parseLimitSettings(settings: readonly string[]): Partial<Limits> {
  const overrides: Partial<Limits> = {};
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    const name = eq < 0 ? setting : setting.slice(0, eq).trim();
    const text = eq < 0 ? '' : setting.slice(eq + 1).trim();
    if (!isLimitName(name)) {
      throw new Error(`unknown limit "${name}" in --limit ${setting}; known limits: ${Object.keys(SWF_LIMITS).join(', ')}`);
    }
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
      throw new Error(`--limit ${setting}: the value must be a whole number of at least 1`);
    }
    overrides[name] = value;
  }
  return overrides;
}
