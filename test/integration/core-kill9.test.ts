/**
 * Durability under load: starters, deciders and activity workers drive workflows while the
 * server is killed with SIGKILL at a random moment (after a random number of acknowledged
 * calls), restarted on the same data, loaded and killed again. Every call the server
 * acknowledged is then looked up in the histories: a start, a task handed out, a decision, an
 * activity result. A call in flight at the kill may or may not have happened; an answered one
 * must have. Group commit answers a whole batch after one fsync: answering any call before its
 * batch commits (or a read before what it saw is durable) shows up here as a lost call.
 *
 * Only the shared helpers and the SDK are used, so the test runs on whichever back end the
 * helpers' server uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type Decision,
  type HistoryEvent,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { restartableServer } from '../helpers/setup.js';
import { history, registerFixture, type Fixture } from '../helpers/swf.js';
import { complete, scheduleActivity } from '../helpers/workflow.js';

const ROUNDS = 3;
const LOOPS = 3; // of each kind: starters, deciders, activity workers

/** What the server acknowledged, to be found in the histories after the kills. */
interface Ledger {
  /** workflowId → runId of every acknowledged start. */
  starts: Map<string, string>;
  /** Tasks handed out: the poll's answer named a Started event that must exist. */
  handedOut: { runId: string; workflowId: string; eventId: number; type: 'DecisionTaskStarted' | 'ActivityTaskStarted' }[];
  decisions: { runId: string; workflowId: string; startedEventId: number; decisions: Decision[] }[];
  results: { runId: string; workflowId: string; startedEventId: number; result: string }[];
}

interface Round {
  readonly signal: AbortSignal;
  /** Counts one acknowledged call; kills the server when the round's quota is reached. */
  acked(): void;
}

/** Runs `send` unless the round is over; undefined when the call failed (the kill, mostly). */
async function attempt<T>(round: Round, send: () => Promise<T>): Promise<T | undefined> {
  if (round.signal.aborted) return undefined;
  try {
    return await send();
  } catch {
    return undefined;
  }
}

async function starter(swf: SWFClient, f: Fixture, ledger: Ledger, round: Round, prefix: string): Promise<void> {
  for (let i = 0; !round.signal.aborted; i++) {
    const workflowId = `${prefix}-${i}`;
    const out = await attempt(round, () => swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId, workflowType: f.workflowType }), { abortSignal: round.signal }));
    if (!out?.runId) continue;
    ledger.starts.set(workflowId, out.runId);
    round.acked();
  }
}

async function decider(swf: SWFClient, f: Fixture, ledger: Ledger, round: Round): Promise<void> {
  while (!round.signal.aborted) {
    const task = await attempt(round, () => swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }), { abortSignal: round.signal }));
    if (!task?.taskToken || !task.workflowExecution?.runId || !task.workflowExecution.workflowId || task.startedEventId === undefined) continue;
    const { runId, workflowId } = task.workflowExecution;
    ledger.handedOut.push({ runId, workflowId, eventId: task.startedEventId, type: 'DecisionTaskStarted' });
    round.acked();
    const types = new Set((task.events ?? []).map((e) => e.eventType));
    const decisions = types.has('ActivityTaskCompleted') ? [complete('done')] : types.has('ActivityTaskScheduled') ? [] : [scheduleActivity(f, 'a1', { input: workflowId })];
    const token = task.taskToken;
    const done = await attempt(round, () => swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: token, decisions }), { abortSignal: round.signal }));
    if (!done) continue;
    ledger.decisions.push({ runId, workflowId, startedEventId: task.startedEventId, decisions });
    round.acked();
  }
}

async function worker(swf: SWFClient, f: Fixture, ledger: Ledger, round: Round): Promise<void> {
  while (!round.signal.aborted) {
    const task = await attempt(round, () => swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }), { abortSignal: round.signal }));
    if (!task?.taskToken || !task.workflowExecution?.runId || !task.workflowExecution.workflowId || task.startedEventId === undefined) continue;
    const { runId, workflowId } = task.workflowExecution;
    ledger.handedOut.push({ runId, workflowId, eventId: task.startedEventId, type: 'ActivityTaskStarted' });
    round.acked();
    const token = task.taskToken;
    const result = `result of ${workflowId}`;
    const done = await attempt(round, () => swf.send(new RespondActivityTaskCompletedCommand({ taskToken: token, result }), { abortSignal: round.signal }));
    if (!done) continue;
    ledger.results.push({ runId, workflowId, startedEventId: task.startedEventId, result });
    round.acked();
  }
}

/** The event with this id, of this type, or an assertion failure saying what was lost. */
function eventOf(events: readonly HistoryEvent[], eventId: number, type: string, what: string): HistoryEvent {
  const e = events[eventId - 1];
  assert.equal(e?.eventType, type, `${what}: event ${eventId} should be ${type}, the history has ${e?.eventType ?? 'no such event'}`);
  return e;
}

function checkDecision(events: readonly HistoryEvent[], d: Ledger['decisions'][number]): void {
  const what = `acknowledged decision of ${d.workflowId} (task started at ${d.startedEventId})`;
  const completed = events.find((e) => e.eventType === 'DecisionTaskCompleted' && e.decisionTaskCompletedEventAttributes?.startedEventId === d.startedEventId);
  assert.ok(completed?.eventId, `${what}: no DecisionTaskCompleted`);
  const first = d.decisions[0];
  if (first?.decisionType === 'ScheduleActivityTask') {
    const scheduled = events[completed.eventId];
    assert.equal(scheduled?.eventType, 'ActivityTaskScheduled', `${what}: no ActivityTaskScheduled after it`);
    assert.equal(scheduled.activityTaskScheduledEventAttributes?.decisionTaskCompletedEventId, completed.eventId);
  } else if (first?.decisionType === 'CompleteWorkflowExecution') {
    assert.equal(events[completed.eventId]?.eventType, 'WorkflowExecutionCompleted', `${what}: the workflow did not complete`);
  }
}

test('kill -9 at random moments under load: every acknowledged call is in the histories', async (t) => {
  const node = await restartableServer(t);
  const f = await registerFixture(node.swf);
  const ledger: Ledger = { starts: new Map(), handedOut: [], decisions: [], results: [] };
  let swf = node.swf;
  const kills: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r > 0) swf = await node.restart();
    const stop = new AbortController();
    // A random moment: after 30 to 120 acknowledged calls of this round, with calls in flight.
    const quota = 30 + Math.floor(Math.random() * 90);
    let count = 0;
    let killed: Promise<void> | undefined;
    const round: Round = {
      signal: stop.signal,
      acked() {
        if (++count < quota || killed) return;
        killed = node.server.kill9().then(() => stop.abort());
      },
    };
    const loops = [
      ...Array.from({ length: LOOPS }, (_, i) => starter(swf, f, ledger, round, `r${r}-s${i}`)),
      ...Array.from({ length: LOOPS }, () => decider(swf, f, ledger, round)),
      ...Array.from({ length: LOOPS }, () => worker(swf, f, ledger, round)),
    ];
    await Promise.all(loops);
    await killed;
    kills.push(count);
  }
  swf = await node.restart();

  const runs = new Map<string, { workflowId: string; events: HistoryEvent[] }>();
  const eventsOf = async (runId: string, workflowId: string): Promise<HistoryEvent[]> => {
    let known = runs.get(runId);
    if (!known) {
      known = { workflowId, events: await history(swf, f.domain, { workflowId, runId }) };
      runs.set(runId, known);
    }
    return known.events;
  };
  for (const [workflowId, runId] of ledger.starts) {
    eventOf(await eventsOf(runId, workflowId), 1, 'WorkflowExecutionStarted', `acknowledged start of ${workflowId}`);
  }
  for (const h of ledger.handedOut) {
    eventOf(await eventsOf(h.runId, h.workflowId), h.eventId, h.type, `task handed out for ${h.workflowId}`);
  }
  for (const d of ledger.decisions) checkDecision(await eventsOf(d.runId, d.workflowId), d);
  for (const a of ledger.results) {
    const events = await eventsOf(a.runId, a.workflowId);
    const done = events.find((e) => e.eventType === 'ActivityTaskCompleted' && e.activityTaskCompletedEventAttributes?.startedEventId === a.startedEventId);
    assert.equal(done?.activityTaskCompletedEventAttributes?.result, a.result, `acknowledged result of ${a.workflowId}'s activity is lost`);
  }
  // The test must have had something to check in every round.
  assert.ok(ledger.starts.size >= ROUNDS && ledger.decisions.length > 0 && ledger.results.length > 0, `too little load: ${JSON.stringify(kills)}`);
  t.diagnostic(`acknowledged before the kills ${kills.join(', ')}: ${ledger.starts.size} starts, ${ledger.handedOut.length} tasks, ${ledger.decisions.length} decisions, ${ledger.results.length} results`);
});
