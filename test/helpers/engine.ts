/**
 * Drives the pure engine the way the executor does, without a store: each step works on a
 * copy of the run's state that went through JSON (as the store keeps it), then `finish()`es
 * the transition. Time and ids are fixed, so events and effects can be compared exactly.
 */
import type { ActivityType, ActivityTypeConfiguration, Decision, HistoryEvent, WorkflowType, WorkflowTypeConfiguration } from '../../src/model/shapes.js';
import {
  SWF_LIMITS,
  Transition,
  completeDecisionTask,
  startDecisionTask,
  startRun,
  type ActivityState,
  type DecisionEnv,
  type DecisionTaskAnswer,
  type EngineContext,
  type Effect,
  type ExecutionConfig,
  type ExecutionState,
  type Limits,
  type TaskTokenClaims,
  type StartRunInput,
  type TypeInfo,
} from '../../src/engine/index.js';

/** 2024-01-01T00:00:00Z: the instant every engine test starts at. */
export const T0 = Date.UTC(2024, 0, 1);

export const WORKFLOW_TYPE: WorkflowType = { name: 'order', version: '1' };
export const ACTIVITY_TYPE: ActivityType = { name: 'step', version: '1' };

export const CONFIG: ExecutionConfig = {
  executionStartToCloseTimeout: '3600',
  taskStartToCloseTimeout: '60',
  childPolicy: 'TERMINATE',
  taskList: { name: 'decisions' },
};

/** An activity type with every default set. */
export const FULL_ACTIVITY_DEFAULTS: ActivityTypeConfiguration = {
  defaultTaskList: { name: 'activities' },
  defaultTaskScheduleToStartTimeout: '30',
  defaultTaskScheduleToCloseTimeout: '600',
  defaultTaskStartToCloseTimeout: '300',
  defaultTaskHeartbeatTimeout: 'NONE',
};

const typeKey = (t: { name: string; version: string }): string => `${t.name}\u0000${t.version}`;

/** What the executor would have looked up: registered types and the limits. */
export function decisionEnv(
  options: {
    activityTypes?: { type: ActivityType; status?: 'REGISTERED' | 'DEPRECATED'; configuration: ActivityTypeConfiguration }[];
    workflowTypes?: { type: WorkflowType; status?: 'REGISTERED' | 'DEPRECATED'; configuration: WorkflowTypeConfiguration }[];
    limits?: Partial<Limits>;
  } = {},
): DecisionEnv {
  const activities = new Map<string, TypeInfo<ActivityTypeConfiguration>>();
  for (const a of options.activityTypes ?? [{ type: ACTIVITY_TYPE, configuration: FULL_ACTIVITY_DEFAULTS }]) {
    activities.set(typeKey(a.type), { status: a.status ?? 'REGISTERED', configuration: a.configuration });
  }
  const workflows = new Map<string, TypeInfo<WorkflowTypeConfiguration>>();
  for (const w of options.workflowTypes ?? []) workflows.set(typeKey(w.type), { status: w.status ?? 'REGISTERED', configuration: w.configuration });
  return {
    activityType: (t) => activities.get(typeKey(t)),
    workflowType: (t) => workflows.get(typeKey(t)),
    lambdaFunctionKnown: () => false,
    openExecutionsInDomain: 0,
    limits: { ...SWF_LIMITS, ...options.limits },
  };
}

export interface Step<R> {
  events: HistoryEvent[];
  effects: Effect[];
  result: R;
}

/** One run and the clock and id source it lives with. */
export class EngineRun {
  /** Milliseconds since the epoch; tests move it by hand. */
  now = T0;
  /** Every event recorded so far, in order. */
  readonly history: HistoryEvent[] = [];
  private lastId = 0;
  private current: ExecutionState | undefined;

  private constructor() {}

  /** The run's state as the store would hold it after the last step. */
  get state(): ExecutionState {
    if (!this.current) throw new Error('the run has not started');
    return this.current;
  }

  /** What each task token was minted for. */
  readonly tokenClaims = new Map<string, TaskTokenClaims>();

  /** Deterministic ids and task tokens: "id-1", "id-2", ... across the whole run. */
  context(): EngineContext {
    return {
      now: this.now,
      newId: () => `id-${++this.lastId}`,
      newTaskToken: (claims) => {
        const token = `id-${++this.lastId}`;
        this.tokenClaims.set(token, claims);
        return token;
      },
    };
  }

  /** startRun with fixed settings (domain "dom", workflowId "wf", runId "run-1"), overridable. */
  static start(input: Partial<StartRunInput> = {}): { run: EngineRun; step: Step<void> } {
    const run = new EngineRun();
    const t = startRun({ domain: 'dom', workflowId: 'wf', runId: 'run-1', workflowType: WORKFLOW_TYPE, config: CONFIG, ...input }, run.context());
    run.current = reload(t.state);
    run.history.push(...t.events);
    return { run, step: { events: t.events, effects: t.effects, result: undefined } };
  }

  /** Applies one change the way Executor.persist sees it: on reloaded state, then finish(). */
  step<R>(change: (t: Transition) => R): Step<R> {
    const t = new Transition(reload(this.state), this.context());
    const result = change(t);
    t.finish();
    this.current = reload(t.state);
    this.history.push(...t.events);
    return { events: t.events, effects: t.effects, result };
  }

  /** Starts the scheduled decision task (as a poll does). */
  startDecision(identity?: string): Step<number> {
    return this.step((t) => startDecisionTask(t, identity));
  }

  /** Completes the started decision task with these decisions. */
  decide(decisions: Decision[], env: DecisionEnv = decisionEnv(), extra: Omit<DecisionTaskAnswer, 'decisions'> = {}): Step<void> {
    return this.step((t) => completeDecisionTask(t, { decisions, ...extra }, env));
  }

  /** Polls the pending decision task and answers it at once. */
  pollAndDecide(decisions: Decision[], env: DecisionEnv = decisionEnv()): Step<void> {
    this.startDecision();
    return this.decide(decisions, env);
  }

  /** Applies `change` to an open activity of the step's own copy of the state. */
  onActivity<R>(activityId: string, change: (t: Transition, activity: ActivityState) => R): Step<R> {
    return this.step((t) => {
      const activity = t.state.activities[activityId];
      if (!activity) throw new Error(`no open activity ${activityId}`);
      return change(t, activity);
    });
  }
}

/** State as the store hands it back: JSON, so nothing but data survives. */
function reload(state: ExecutionState): ExecutionState {
  return JSON.parse(JSON.stringify(state)) as ExecutionState;
}

/** Events as [type, attributes] pairs: compact to compare, and exact. */
export function described(events: readonly HistoryEvent[]): [string, unknown][] {
  return events.map((e) => {
    const key = `${e.eventType.charAt(0).toLowerCase()}${e.eventType.slice(1)}EventAttributes`;
    return [e.eventType, (e as unknown as Record<string, unknown>)[key]];
  });
}

export const eventTypesOf = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.eventType);

export const scheduleActivity = (activityId: string, extra: Partial<NonNullable<Decision['scheduleActivityTaskDecisionAttributes']>> = {}): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: ACTIVITY_TYPE, activityId, ...extra },
});

export const startTimer = (timerId: string, startToFireTimeout: string, control?: string): Decision => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout, ...(control !== undefined ? { control } : {}) },
});

export const cancelTimer = (timerId: string): Decision => ({ decisionType: 'CancelTimer', cancelTimerDecisionAttributes: { timerId } });

export const completeWorkflow = (result?: string): Decision => ({
  decisionType: 'CompleteWorkflowExecution',
  ...(result !== undefined ? { completeWorkflowExecutionDecisionAttributes: { result } } : {}),
});

export const seconds = (ms: number): number => ms / 1000;
