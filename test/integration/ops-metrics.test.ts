/** GET /metrics after a workload: Prometheus text, counters equal to the calls made, bounded labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeDomainCommand, SignalWorkflowExecutionCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { faultOf, registerFixture } from '../helpers/swf.js';
import { respond, scheduleActivity, startRun, takeDecisionTask } from '../helpers/workflow.js';
import { operations } from '../../src/model/tables.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (one sample per line; # lines are HELP and TYPE). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length === 0) return undefined;
  return found.reduce((sum, s) => sum + s.value, 0);
}

test('/metrics counts the calls made, by operation and outcome, and reads the gauges from the store', async (t) => {
  const { server, swf } = await serverForTest(t);
  const f = await registerFixture(swf); // RegisterDomain, RegisterWorkflowType, RegisterActivityType
  const a = await startRun(swf, f, 'a');
  await startRun(swf, f, 'b');
  const task = await takeDecisionTask(swf, f, a);
  await respond(swf, task.taskToken, [scheduleActivity(f, 'act')]);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'a', signalName: 'go' }));
  for (let i = 0; i < 3; i++) await faultOf(swf.send(new DescribeDomainCommand({ name: 'nowhere' })));

  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = parse(await res.text());
  const calls = (operation: string, outcome = 'ok') => value(samples, 'openswf_requests_total', { operation, outcome });

  assert.equal(calls('RegisterDomain'), 1);
  assert.equal(calls('RegisterWorkflowType'), 1);
  assert.equal(calls('RegisterActivityType'), 1);
  assert.equal(calls('StartWorkflowExecution'), 2);
  assert.equal(calls('PollForDecisionTask'), 1);
  assert.equal(calls('RespondDecisionTaskCompleted'), 1);
  assert.equal(calls('SignalWorkflowExecution'), 1);
  assert.equal(calls('DescribeDomain', 'UnknownResourceFault'), 3);
  assert.equal(calls('DescribeDomain'), undefined, 'no successful DescribeDomain was made');
  assert.equal(value(samples, 'openswf_requests_total'), 11, 'every call counted once, nothing else');
  assert.equal(value(samples, 'openswf_request_duration_seconds_count', { operation: 'StartWorkflowExecution' }), 2);
  assert.equal(value(samples, 'openswf_request_duration_seconds_bucket', { operation: 'StartWorkflowExecution', le: '+Inf' }), 2);
  assert.equal(value(samples, 'openswf_poll_wait_seconds_count', { kind: 'decision' }), 1);

  // Run a waits for its activity and (after the signal) a decision; run b for its first decision.
  assert.equal(value(samples, 'openswf_open_executions', { domain: f.domain }), 2);
  assert.equal(value(samples, 'openswf_pending_tasks', { domain: f.domain, kind: 'decision' }), 2);
  assert.equal(value(samples, 'openswf_pending_tasks', { domain: f.domain, kind: 'activity' }), 1);
  // Each state change is one transaction: 3 registrations, 2 starts, the claim, the answer, the signal at least.
  assert.ok((value(samples, 'openswf_store_commit_seconds_count') ?? 0) >= 8);
  assert.ok(samples.some((s) => s.name === 'openswf_timer_lateness_seconds_count'));

  // Node's process metrics.
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    assert.ok(samples.some((s) => s.name === name), name);
  }

  // Bounded label sets: only these label names, operations from the model, no ids or task lists.
  const allowed: Record<string, string[]> = {
    openswf_requests_total: ['operation', 'outcome'],
    openswf_request_duration_seconds: ['operation', 'le'],
    openswf_open_executions: ['domain'],
    openswf_pending_tasks: ['domain', 'kind'],
    openswf_poll_wait_seconds: ['kind', 'le'],
    openswf_timer_lateness_seconds: ['le'],
    openswf_store_commit_seconds: ['le'],
  };
  for (const s of samples.filter((x) => x.name.startsWith('openswf_'))) {
    const family = Object.keys(allowed).find((k) => s.name === k || s.name.startsWith(`${k}_`));
    assert.ok(family, `a known family: ${s.name}`);
    for (const label of Object.keys(s.labels)) assert.ok(allowed[family]?.includes(label), `${s.name} has no ${label} label`);
    if (s.labels.operation !== undefined) assert.ok(Object.hasOwn(operations, s.labels.operation), s.labels.operation);
  }

  // A domain whose runs all closed reads 0 again, not its old value.
  const g = await registerFixture(swf);
  const again = parse(await (await fetch(`${server.url}/metrics`)).text());
  assert.equal(value(again, 'openswf_open_executions', { domain: g.domain }), 0);
});
