/**
 * The executor runs the pure engine inside store transactions. It loads a run, lets the
 * engine change it, and writes the events, the new state and every effect in the same
 * transaction. Effects that concern other runs (children, external signals, parents) are
 * followed within that transaction too, so a decision and all it causes commit together.
 */
import type { Clock } from '../clock/clock.js';
import {
  Transition,
  terminate,
  isOpen,
  type CrossExecutionEffect,
  type EngineContext,
  type ExecutionState,
  type Limits,
} from '../engine/index.js';
import type { StoreTx } from '../store/types.js';
import { applyCrossExecutionEffect, type RunWriter } from './cross-execution.js';
import { encodeTaskToken } from './task-token.js';
import { pooledRandomBytes } from './random.js';

export interface ExecutorHooks {
  /** A deadline was armed; the timer service may need to wake earlier. */
  timerArmed?(dueAt: number): void;
  /**
   * A Lambda task was scheduled. Called while the transaction is still open: the call out
   * over HTTP must wait for the commit of `tx` (app.ts defers it with lambda/after-commit.ts).
   */
  lambdaScheduled?(effect: Extract<CrossExecutionEffect, { type: 'invokeLambda' }>, tx: StoreTx): void;
}

const DAY_MS = 24 * 3600 * 1000;

export class Executor implements RunWriter {
  constructor(
    readonly clock: Clock,
    readonly limits: Limits,
    private readonly hooks: ExecutorHooks = {},
  ) {}

  context(): EngineContext {
    return { now: this.clock.now(), newId: newOpaqueId, newTaskToken: (claims) => encodeTaskToken(claims) };
  }

  /** A Transition over `state` with the current time. */
  begin(state: ExecutionState): Transition {
    return new Transition(state, this.context());
  }

  /**
   * Writes what a transition did. `isNew` inserts the run instead of updating it. Runs the
   * cross-execution effects it caused, depth first, in the same transaction.
   */
  async persist(tx: StoreTx, t: Transition, isNew = false): Promise<void> {
    t.finish();
    this.enforceHistoryLimit(t);
    if (isNew) await tx.insertExecution(t.state);
    else await tx.updateExecution(t.state);
    if (t.events.length > 0) await tx.appendEvents(t.state.runId, t.events);
    const followUps: CrossExecutionEffect[] = [];
    for (const effect of t.effects) {
      switch (effect.type) {
        case 'enqueueTask':
          await tx.enqueueTask(effect.task);
          break;
        case 'removeTask':
          await tx.removeTask(effect.token);
          break;
        case 'armTimer':
          await tx.armTimer(effect.key, effect.dueAt);
          this.hooks.timerArmed?.(effect.dueAt);
          break;
        case 'disarmTimer':
          await tx.disarmTimer(effect.key);
          break;
        case 'closed':
          await this.closeRun(tx, t.state);
          break;
        case 'invokeLambda':
          this.hooks.lambdaScheduled?.(effect, tx);
          break;
        default:
          followUps.push(effect);
      }
    }
    for (const effect of followUps) await applyCrossExecutionEffect(this, tx, effect);
  }

  /** Loads a run, applies `change` to it, and persists; returns what `change` returned. */
  async update<T>(tx: StoreTx, runId: string, change: (t: Transition) => T): Promise<{ result: T; transition: Transition } | undefined> {
    const state = await tx.getExecution(runId);
    if (!state) return undefined;
    const t = this.begin(state);
    const result = change(t);
    await this.persist(tx, t);
    return { result, transition: t };
  }

  /** A closed run drops its tasks and deadlines; its record stays for the domain's retention. */
  private async closeRun(tx: StoreTx, state: ExecutionState): Promise<void> {
    await tx.removeTasksOfRun(state.runId);
    await tx.disarmTimersOfRun(state.runId);
    const domain = await tx.getDomain(state.domain);
    const days = domain?.retentionDays === undefined || domain.retentionDays === 'NONE' ? 0 : Number(domain.retentionDays);
    const dueAt = (state.closeTimestamp ?? this.clock.now()) + days * DAY_MS;
    await tx.armTimer({ runId: state.runId, kind: 'retention', ref: '' }, dueAt);
    this.hooks.timerArmed?.(dueAt);
  }

  /**
   * SWF terminates a run whose history reaches the event limit. The check runs before the
   * transition is written, so the terminate event is the last one the history can hold.
   */
  private enforceHistoryLimit(t: Transition): void {
    if (!isOpen(t.state)) return;
    // Leave room for the WorkflowExecutionTerminated event itself.
    if (t.state.nextEventId - 1 < this.limits.maxEventsPerHistory - 1) return;
    terminate(t, { cause: 'EVENT_LIMIT_EXCEEDED' });
  }
}

/**
 * 24 random bytes as hex: run ids nobody can guess. Hex, not base64url: an id
 * starting with '-' makes the AWS CLI read `--run-id -x...` or `--task-token -x...` as an
 * unknown option and refuse the call (task tokens avoid it too: see task-token.ts).
 */
export function newOpaqueId(): string {
  return pooledRandomBytes(24).toString('hex');
}
