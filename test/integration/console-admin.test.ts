/**
 * The console's read-only endpoints for what the SWF API cannot say: the armed deadlines of a
 * domain or a run with their due times, and a run's open activities with the details of their
 * last heartbeat.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordActivityTaskHeartbeatCommand } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';
import { decide, scheduleActivity, startOn, startTimer, takeActivityTask } from '../helpers/workflow.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('console endpoints', () => {
  it('lists a run’s deadlines earliest first with their due times, and a domain’s', async () => {
    const f = await registerFixture(swf);
    const run = await startOn(swf, f, 'deadlines');
    const started = await server.now();
    await decide(swf, f, run, [startTimer('soon', '60'), startTimer('later', '7200')]);
    const { status, body } = await getJson(`/admin/deadlines?runId=${run.runId}`);
    assert.equal(status, 200);
    assert.equal(body.clock, 'virtual');
    const deadlines = body.deadlines as { kind: string; ref: string; dueAt: number; workflowId: string; domain: string; runId: string }[];
    assert.deepEqual(
      deadlines.map((d) => [d.kind, Math.round(d.dueAt - started)]),
      [
        ['timer', 60],
        ['workflowStartToClose', 3600],
        ['timer', 7200],
      ],
    );
    assert.ok(deadlines.every((d) => d.domain === f.domain && d.workflowId === 'deadlines' && d.runId === run.runId));
    const domainWide = await getJson(`/admin/deadlines?domain=${f.domain}&limit=1`);
    assert.equal((domainWide.body.deadlines as unknown[]).length, 1);
    await server.advance(61);
    const after = (await getJson(`/admin/deadlines?runId=${run.runId}`)).body.deadlines as { kind: string }[];
    assert.equal(after.length, 2, 'the fired timer is no longer armed');
    assert.equal((await getJson('/admin/deadlines?limit=0')).status, 400);
  });

  it('shows the open activities of a run with their last heartbeat details', async () => {
    const f = await registerFixture(swf);
    const run = await startOn(swf, f, 'heartbeats');
    await decide(swf, f, run, [scheduleActivity(f, 'a1'), scheduleActivity(f, 'a2')]);
    const task = await takeActivityTask(swf, f);
    await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: '40% done' }));
    const { status, body } = await getJson(`/admin/activities?domain=${f.domain}&runId=${run.runId}`);
    assert.equal(status, 200);
    const activities = body.activities as { activityId: string; heartbeatDetails?: string; startedEventId?: number; cancelRequested: boolean }[];
    const byId = new Map(activities.map((a) => [a.activityId, a]));
    const id = task.activityId ?? '';
    assert.equal(byId.get(id)?.heartbeatDetails, '40% done');
    assert.ok(byId.get(id)?.startedEventId);
    const other = id === 'a1' ? 'a2' : 'a1';
    assert.equal(byId.get(other)?.heartbeatDetails, undefined);
    assert.equal(byId.get(other)?.startedEventId, undefined);
    assert.equal((await getJson(`/admin/activities?domain=elsewhere&runId=${run.runId}`)).status, 404, 'a run is named with its own domain');
  });
});
