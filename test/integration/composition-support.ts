/**
 * Shared steps of the composition tests (children, external signals and cancels,
 * continue-as-new, Lambda): runs on task lists of their own, so each test's decider takes
 * exactly the decision task it expects; and the HTTP endpoints the Lambda tests call.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeWorkflowExecutionCommand,
  PollForDecisionTaskCommand,
  RegisterWorkflowTypeCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type ChildPolicy,
  type Decision,
  type DecisionTask,
  type DescribeWorkflowExecutionCommandOutput,
  type HistoryEvent,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { history, uniqueName, type Fixture } from '../helpers/swf.js';

export interface Run {
  workflowId: string;
  runId: string;
}

export type Task = DecisionTask & { taskToken: string; workflowExecution: Run };

/** Starts a run of the fixture's type on its own task list. */
export async function startOn(swf: SWFClient, f: Fixture, workflowId: string, extra: { taskList?: string; childPolicy?: ChildPolicy; input?: string } = {}): Promise<Run & { taskList: string }> {
  const taskList = extra.taskList ?? uniqueName('tl');
  const out = await swf.send(
    new StartWorkflowExecutionCommand({
      domain: f.domain,
      workflowId,
      workflowType: f.workflowType,
      taskList: { name: taskList },
      ...(extra.childPolicy !== undefined ? { childPolicy: extra.childPolicy } : {}),
      ...(extra.input !== undefined ? { input: extra.input } : {}),
    }),
  );
  assert.ok(out.runId);
  return { workflowId, runId: out.runId, taskList };
}

/** Polls a task list and insists that a decision task comes. */
export async function poll(swf: SWFClient, f: Fixture, taskList: string): Promise<Task> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList } }));
  assert.ok(task.taskToken, `a decision task on ${taskList}`);
  return task as Task;
}

/** Polls a task list and insists that nothing comes (within the short test poll timeout). */
export async function pollNothing(swf: SWFClient, f: Fixture, taskList: string): Promise<void> {
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: taskList } }));
  assert.equal(task.taskToken, '', `no decision task on ${taskList}`);
}

export async function respond(swf: SWFClient, task: Task, decisions: Decision[]): Promise<void> {
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions }));
}

/** Takes the next decision task on `taskList` and answers it. */
export async function decide(swf: SWFClient, f: Fixture, taskList: string, decisions: Decision[]): Promise<Task> {
  const task = await poll(swf, f, taskList);
  await respond(swf, task, decisions);
  return task;
}

export async function describe(swf: SWFClient, f: Fixture, run: Run): Promise<DescribeWorkflowExecutionCommandOutput> {
  return swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: { workflowId: run.workflowId, runId: run.runId } }));
}

/** The events of a run after `afterId`, as [type, attributes] pairs: exact and compact. */
export async function eventsAfter(swf: SWFClient, f: Fixture, run: Run, afterId = 0): Promise<[string, unknown][]> {
  return pairs((await history(swf, f.domain, run)).filter((e) => (e.eventId ?? 0) > afterId));
}

export function pairs(events: readonly HistoryEvent[]): [string, unknown][] {
  return events.map((e) => {
    const type = e.eventType ?? '?';
    const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes` as keyof HistoryEvent;
    return [type, e[key]];
  });
}

/** The id of the last event of a type in a history. */
export function idOf(events: readonly HistoryEvent[], type: string): number {
  const e = [...events].reverse().find((x) => x.eventType === type);
  assert.ok(e?.eventId, `an event ${type}`);
  return e.eventId;
}

/** Registers another workflow type in the fixture's domain; `defaults` false leaves every default unset. */
export async function registerWorkflowType(swf: SWFClient, f: Fixture, name: string, version: string, defaults = true): Promise<{ name: string; version: string }> {
  await swf.send(
    new RegisterWorkflowTypeCommand({
      domain: f.domain,
      name,
      version,
      ...(defaults
        ? {
            defaultTaskList: { name: f.taskList },
            defaultExecutionStartToCloseTimeout: '3600',
            defaultTaskStartToCloseTimeout: '60',
            defaultChildPolicy: 'TERMINATE',
          }
        : {}),
    }),
  );
  return { name, version };
}

export const startChild = (
  workflowId: string,
  workflowType: { name: string; version: string },
  extra: Partial<NonNullable<Decision['startChildWorkflowExecutionDecisionAttributes']>> = {},
): Decision => ({
  decisionType: 'StartChildWorkflowExecution',
  startChildWorkflowExecutionDecisionAttributes: { workflowId, workflowType, ...extra },
});

export const complete = (result?: string): Decision => ({
  decisionType: 'CompleteWorkflowExecution',
  ...(result !== undefined ? { completeWorkflowExecutionDecisionAttributes: { result } } : {}),
});

export const fail = (reason: string, details: string): Decision => ({
  decisionType: 'FailWorkflowExecution',
  failWorkflowExecutionDecisionAttributes: { reason, details },
});

export const cancel = (details: string): Decision => ({
  decisionType: 'CancelWorkflowExecution',
  cancelWorkflowExecutionDecisionAttributes: { details },
});

export const timer = (timerId: string, seconds: string): Decision => ({
  decisionType: 'StartTimer',
  startTimerDecisionAttributes: { timerId, startToFireTimeout: seconds },
});

/** One request a Lambda endpoint received. */
export interface FunctionCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Small HTTP "Lambda functions" on the loopback for the Lambda tests:
 *   /echo  200, answers `echo:<input>`      /empty  204, no body
 *   /fail  500, JSON {reason, details}      /down   503, plain text
 *   /slow  answers 200 `slow-done` only when `release()` is called
 */
export class FunctionHost {
  readonly calls: FunctionCall[] = [];
  private readonly held: (() => void)[] = [];
  private readonly waiters: { path: string; resolve: () => void }[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FunctionHost> {
    let host: FunctionHost | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => host?.handle({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = new FunctionHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return host;
  }

  /** How many calls `path` received so far. */
  callsTo(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
  }

  /** Resolves once `path` received `n` calls in all. */
  async arrivals(path: string, n: number): Promise<void> {
    while (this.callsTo(path) < n) await new Promise<void>((resolve) => this.waiters.push({ path, resolve }));
  }

  /** Lets every held /slow call answer. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(call: FunctionCall, res: ServerResponse): void {
    this.calls.push(call);
    for (const w of this.waiters.splice(0)) w.resolve();
    switch (call.path) {
      case '/echo':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`echo:${call.body}`);
        return;
      case '/empty':
        res.writeHead(204).end();
        return;
      case '/fail':
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'bad input', details: 'n must be even' }));
        return;
      case '/down':
        res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return;
      case '/slow':
        this.held.push(() => res.writeHead(200).end('slow-done'));
        return;
      default:
        res.writeHead(404).end();
    }
  }
}

/** A port on the loopback that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
