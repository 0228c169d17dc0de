/**
 * The server's core without HTTP: a real SQLite store, the executor and the timer service on
 * a given clock. For unit tests of the clock component and for benchmarks that must measure
 * the timer machinery itself rather than HTTP. Runs are made through the real engine (start,
 * a decision task answered with decisions), exactly as the API handlers make them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock/clock.js';
import { TimerService, type TimerServiceHooks } from '../../src/clock/timer-service.js';
import {
  SWF_LIMITS,
  completeDecisionTask,
  startDecisionTask,
  startRun,
  type DecisionEnv,
  type ExecutionConfig,
} from '../../src/engine/index.js';
import { Executor } from '../../src/executor/executor.js';
import type { ActivityTypeConfiguration, Decision } from '../../src/model/shapes.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import type { Logger } from '../../src/log.js';

export interface Core {
  store: SqliteStore;
  executor: Executor;
  timers: TimerService;
  clock: Clock;
  /** The folder of the SQLite file. */
  dataDir: string;
  /** Stops the timer service, closes the store and removes its folder. */
  dispose(): Promise<void>;
}

export interface CoreOptions {
  /** Reuse a data folder (to reopen a store "after a restart"); default a fresh temporary one. */
  dataDir?: string;
  /** SQLite synchronous mode; benchmarks may pick 'normal'. Default 'full', as the server. */
  synchronous?: 'full' | 'normal';
  hooks?: TimerServiceHooks;
  log?: Logger;
  /** Keep the data folder on dispose (the caller reopens it). */
  keepData?: boolean;
}

export function createCore(clock: Clock, options: CoreOptions = {}): Core {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'openswf-core-'));
  const store = new SqliteStore({ path: join(dataDir, 'openswf.sqlite'), synchronous: options.synchronous ?? 'full' });
  let timers: TimerService | undefined;
  const executor = new Executor(clock, SWF_LIMITS, { timerArmed: (dueAt) => timers?.armed(dueAt) });
  timers = new TimerService(store, executor, clock, options.log, options.hooks);
  const service = timers;
  return {
    store,
    executor,
    timers: service,
    clock,
    dataDir,
    async dispose() {
      await service.stop();
      await store.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ACTIVITY_TYPE = { name: 'step', version: '1' };

/** An activity type whose every timeout default is NONE (decisions set what they test). */
const ACTIVITY_DEFAULTS: ActivityTypeConfiguration = {
  defaultTaskList: { name: 'activities' },
  defaultTaskScheduleToStartTimeout: 'NONE',
  defaultTaskScheduleToCloseTimeout: 'NONE',
  defaultTaskStartToCloseTimeout: 'NONE',
  defaultTaskHeartbeatTimeout: 'NONE',
};

const ENV: DecisionEnv = {
  activityType: () => ({ status: 'REGISTERED', configuration: ACTIVITY_DEFAULTS }),
  workflowType: () => undefined,
  lambdaFunctionKnown: () => false,
  openExecutionsInDomain: 0,
  limits: SWF_LIMITS,
};

export const DEFAULT_CONFIG: ExecutionConfig = {
  executionStartToCloseTimeout: String(365 * 24 * 3600),
  taskStartToCloseTimeout: 'NONE',
  childPolicy: 'TERMINATE',
  taskList: { name: 'decisions' },
};

export const startTimer = (timerId: string, seconds: number): Decision => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout: String(seconds) },
});

export const scheduleActivity = (activityId: string, scheduleToStartSeconds: number): Decision => ({
  decisionType: 'ScheduleActivityTask',
  scheduleActivityTaskDecisionAttributes: { activityType: ACTIVITY_TYPE, activityId, scheduleToStartTimeout: String(scheduleToStartSeconds) },
});

export interface RunSpec {
  workflowId: string;
  /** The answer to the run's first decision task. */
  decisions: Decision[];
  config?: ExecutionConfig;
}

/**
 * Creates runs in one transaction: each started, its first decision task handed to a decider
 * and answered with its decisions, at the time `executor`'s clock tells. `beforeRun` may move
 * that clock between runs. Returns the runIds.
 */
export async function createRuns(store: Store, executor: Executor, specs: readonly RunSpec[], beforeRun?: (spec: RunSpec, index: number) => void): Promise<string[]> {
  return store.transaction(async (tx) => {
    const runIds: string[] = [];
    for (const [index, spec] of specs.entries()) {
      beforeRun?.(spec, index);
      const ctx = executor.context();
      const runId = ctx.newId();
      const started = startRun(
        { domain: 'core', workflowId: spec.workflowId, runId, workflowType: { name: 'wf', version: '1' }, config: spec.config ?? DEFAULT_CONFIG },
        ctx,
      );
      await executor.persist(tx, started, true);
      await executor.update(tx, runId, (t) => {
        startDecisionTask(t, 'in-process');
        completeDecisionTask(t, { decisions: spec.decisions }, ENV);
      });
      runIds.push(runId);
    }
    return runIds;
  });
}

/** One run, created at the core's clock; returns its runId. */
export async function startRunWithDecisions(core: Core, workflowId: string, decisions: Decision[], config?: ExecutionConfig): Promise<string> {
  const [runId] = await createRuns(core.store, core.executor, [{ workflowId, decisions, ...(config ? { config } : {}) }]);
  if (runId === undefined) throw new Error('no run was created');
  return runId;
}
