/**
 * A Transition collects what one state change does to one run: the history events it
 * appends and the effects the executor must apply. Engine functions take a Transition over
 * a freshly loaded state and mutate that copy; nothing here reads a clock or does I/O.
 */
import type { EventType, HistoryEvent } from '../model/shapes.js';
import type { Effect, TaskTokenClaims, TimerKind } from './effects.js';
import type { ExecutionState } from './state.js';
import { isOpen } from './state.js';
import { durationMs, priorityOf } from './durations.js';

/** What the engine may ask of its surroundings: the time, fresh opaque ids and task tokens. */
export interface EngineContext {
  /** Milliseconds since the epoch. */
  now: number;
  /** A fresh unguessable id (run ids). */
  newId(): string;
  /** A fresh unguessable token for the task these claims name. */
  newTaskToken(claims: TaskTokenClaims): string;
}

type AttributeKey<K extends EventType> = `${Uncapitalize<K>}EventAttributes`;
export type EventAttributes<K extends EventType> =
  AttributeKey<K> extends keyof HistoryEvent ? NonNullable<HistoryEvent[AttributeKey<K>]> : never;

export function attributeKey<K extends EventType>(type: K): AttributeKey<K> {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes` as AttributeKey<K>;
}

/** The attributes of an event, typed by its type. */
export function attributesOf<K extends EventType>(event: HistoryEvent, type: K): EventAttributes<K> | undefined {
  if (event.eventType !== type) return undefined;
  return (event as unknown as Record<string, unknown>)[attributeKey(type)] as EventAttributes<K> | undefined;
}

export class Transition {
  readonly events: HistoryEvent[] = [];
  readonly effects: Effect[] = [];
  private decisionWanted = false;

  constructor(
    readonly state: ExecutionState,
    readonly ctx: EngineContext,
  ) {}

  get now(): number {
    return this.ctx.now;
  }

  /** Appends a history event and returns its id. */
  record<K extends EventType>(eventType: K, attributes: EventAttributes<K>): number {
    const eventId = this.state.nextEventId++;
    const event = {
      eventId,
      eventTimestamp: this.ctx.now / 1000,
      eventType,
      [attributeKey(eventType)]: attributes,
    } as HistoryEvent;
    this.events.push(event);
    return eventId;
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  /** Arms a deadline `duration` from now; NONE arms nothing. */
  armTimeout(kind: TimerKind, ref: string | number, duration: string | undefined): void {
    const ms = durationMs(duration);
    if (ms === undefined) return;
    this.effect({ type: 'armTimer', key: { runId: this.state.runId, kind, ref: String(ref) }, dueAt: this.ctx.now + ms });
  }

  disarm(kind: TimerKind, ref: string | number): void {
    this.effect({ type: 'disarmTimer', key: { runId: this.state.runId, kind, ref: String(ref) } });
  }

  /**
   * Notes that something happened the decider must see. If a decision task is started, the
   * new task waits until that one closes; `finish` schedules it.
   */
  wantDecision(): void {
    if (this.state.decision.started) this.state.decision.pendingWhileStarted = true;
    else this.decisionWanted = true;
  }

  /** Ends the transition: schedules the decision task asked for, if the run is still open. */
  finish(): this {
    if (this.decisionWanted && isOpen(this.state) && !this.state.decision.scheduled && !this.state.decision.started) {
      this.scheduleDecisionTask();
    }
    this.decisionWanted = false;
    return this;
  }

  private scheduleDecisionTask(): void {
    const { state } = this;
    const override = state.decision.taskListOverride;
    const taskList = override?.name ?? state.config.taskList.name;
    const eventId = this.record('DecisionTaskScheduled', {
      taskList: { name: taskList },
      ...(state.config.taskPriority !== undefined ? { taskPriority: state.config.taskPriority } : {}),
      startToCloseTimeout: state.config.taskStartToCloseTimeout,
      ...(override?.scheduleToStartTimeout !== undefined ? { scheduleToStartTimeout: override.scheduleToStartTimeout } : {}),
    });
    const token = this.ctx.newTaskToken({ kind: 'decision', domain: state.domain, workflowId: state.workflowId, runId: state.runId, scheduledEventId: eventId });
    state.decision.scheduled = { eventId, token, taskList };
    this.effect({
      type: 'enqueueTask',
      task: {
        token,
        kind: 'decision',
        domain: state.domain,
        taskList,
        priority: priorityOf(state.config.taskPriority),
        runId: state.runId,
        scheduledEventId: eventId,
      },
    });
    this.armTimeout('decisionScheduleToStart', eventId, override?.scheduleToStartTimeout);
  }
}
