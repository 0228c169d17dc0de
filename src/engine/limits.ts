/** SWF's published quotas, each overridable by the operator (see README). */
export interface Limits {
  maxEventsPerHistory: number;
  maxOpenActivities: number;
  maxOpenTimers: number;
  maxOpenChildren: number;
  maxOpenLambdas: number;
  maxOpenExecutionsPerDomain: number;
  maxDomains: number;
  maxTypesPerDomain: number;
  maxPollersPerTaskList: number;
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
});
