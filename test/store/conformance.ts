/**
 * The store conformance suite: what every back end must do, written once against the Store
 * interface. Each back end's test file calls runStoreConformance with a factory that opens a
 * store on an empty database. Cases build real engine states (startRun) rather than
 * hand-written ones, so the JSON the stores keep is the JSON the server keeps.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskSpec, TimerKey } from '../../src/engine/index.js';
import type { HistoryEvent } from '../../src/model/shapes.js';
import { DuplicateOpenExecution, type DomainRecord, type Store, type TaskListKey, type TypeRecord } from '../../src/store/types.js';
import { runVisibilityConformance } from './conformance-visibility.js';
import { runConcurrencyConformance, runTakeTimerConformance } from './conformance-concurrency.js';
import { close, makeRun } from './fixtures.js';

/** Opens a store on an empty database; the case closes it. */
export type StoreFactory = () => Promise<Store>;

export function runStoreConformance(name: string, makeStore: StoreFactory): void {
  /** A fresh store for one case, closed when the case ends. */
  const open = async (t: TestContext): Promise<Store> => {
    const store = await makeStore();
    t.after(() => store.close());
    return store;
  };

  describe(`${name} store conformance`, () => {
    it('keeps domains, updates them in place and lists them by name in code-point order', async (t) => {
      const store = await open(t);
      const beta: DomainRecord = { name: 'Beta', status: 'REGISTERED', description: 'b', retentionDays: '7', createdAt: 1_700_000_000_123, tags: [{ key: 'k', value: 'v' }] };
      const alpha: DomainRecord = { name: 'alpha', status: 'REGISTERED', retentionDays: 'NONE', createdAt: 5, tags: [] };
      await store.transaction(async (tx) => {
        await tx.putDomain(alpha);
        await tx.putDomain(beta);
      });
      assert.deepEqual(await store.getDomain('Beta'), beta);
      assert.deepEqual(await store.getDomain('alpha'), alpha);
      assert.equal(await store.getDomain('gamma'), undefined);
      assert.deepEqual((await store.listDomains()).map((d) => d.name), ['Beta', 'alpha']);
      const deprecated: DomainRecord = { name: 'Beta', status: 'DEPRECATED', retentionDays: '3', createdAt: beta.createdAt, tags: [] };
      await store.transaction((tx) => tx.putDomain(deprecated));
      assert.deepEqual(await store.getDomain('Beta'), deprecated);
      assert.equal((await store.listDomains()).length, 2);
    });

    it('keeps workflow and activity types apart, lists them by name then version, and deletes them', async (t) => {
      const store = await open(t);
      const type = (kind: TypeRecord['kind'], name: string, version: string, extra: Partial<TypeRecord> = {}): TypeRecord => ({
        domain: 'd', kind, name, version, status: 'REGISTERED', creationDate: 1000, configuration: { defaultTaskList: { name: 'tl' }, n: 1 }, ...extra,
      });
      const w2 = type('workflow', 'flow', '2', { description: 'second', status: 'DEPRECATED', deprecationDate: 2000 });
      const w1 = type('workflow', 'flow', '1');
      const a1 = type('activity', 'flow', '1');
      const other = type('workflow', 'another', '9', { domain: 'e' });
      await store.transaction(async (tx) => {
        for (const t2 of [w2, w1, a1, other]) await tx.putType(t2);
      });
      assert.deepEqual(await store.getType('d', 'workflow', 'flow', '2'), w2);
      assert.deepEqual(await store.getType('d', 'activity', 'flow', '1'), a1);
      assert.equal(await store.getType('d', 'activity', 'flow', '2'), undefined);
      assert.deepEqual(await store.listTypes('d', 'workflow'), [w1, w2]);
      assert.deepEqual(await store.listTypes('d', 'activity'), [a1]);
      assert.equal(await store.countTypes('d', 'workflow'), 2);
      assert.equal(await store.countTypes('d', 'activity'), 1);
      const undeprecated = type('workflow', 'flow', '2');
      await store.transaction(async (tx) => {
        await tx.putType(undeprecated);
        await tx.deleteType('d', 'activity', 'flow', '1');
      });
      assert.deepEqual(await store.getType('d', 'workflow', 'flow', '2'), undeprecated);
      assert.equal(await store.getType('d', 'activity', 'flow', '1'), undefined);
      assert.equal(await store.countTypes('d', 'workflow'), 2);
      assert.equal(await store.countTypes('d', 'activity'), 0);
    });

    it('inserts, finds and updates runs, keeping the state JSON exactly', async (t) => {
      const store = await open(t);
      const { state } = makeRun({ runId: 'r1', workflowId: 'w', input: 'nul \u0000, accents é, emoji 😀, quote " and \\' });
      await store.transaction((tx) => tx.insertExecution(state));
      assert.deepEqual(await store.getExecution('r1'), state);
      assert.deepEqual(await store.findOpenExecution('d', 'w'), state);
      assert.equal(await store.findOpenExecution('other', 'w'), undefined);
      assert.equal(await store.countOpenExecutions('d'), 1);
      const closed = close(state, 'COMPLETED', state.startTimestamp + 10);
      await store.transaction(async (tx) => {
        await tx.updateExecution(closed);
        // A transaction reads its own writes.
        assert.deepEqual(await tx.getExecution('r1'), closed);
      });
      assert.deepEqual(await store.getExecution('r1'), closed);
      assert.equal(await store.findOpenExecution('d', 'w'), undefined);
      assert.equal(await store.countOpenExecutions('d'), 0);
      assert.equal(await store.getExecution('missing'), undefined);
    });

    it('reads a run\'s key columns without its state, open and closed', async (t) => {
      const store = await open(t);
      const { state } = makeRun({ runId: 'r1', workflowId: 'w' });
      await store.transaction((tx) => tx.insertExecution(state));
      const key = { runId: 'r1', domain: state.domain, workflowId: 'w', workflowType: state.workflowType };
      assert.deepEqual(await store.getExecutionKey('r1'), { ...key, open: true });
      await store.transaction(async (tx) => {
        await tx.updateExecution(close(state, 'COMPLETED', state.startTimestamp + 10));
        assert.deepEqual(await tx.getExecutionKey('r1'), { ...key, open: false });
      });
      assert.deepEqual(await store.getExecutionKey('r1'), { ...key, open: false });
      assert.equal(await store.getExecutionKey('missing'), undefined);
    });

    it('refuses a second open run of a workflowId in a domain, and the transaction carries on', async (t) => {
      const store = await open(t);
      const first = makeRun({ runId: 'r1', workflowId: 'w' }).state;
      await store.transaction((tx) => tx.insertExecution(first));
      const second = makeRun({ runId: 'r2', workflowId: 'w' }).state;
      const caught = await store.transaction(async (tx) => {
        const err = await tx.insertExecution(second).then(() => undefined, (e: unknown) => e);
        // The failed insert leaves the transaction usable, as callers map it to a fault or an event.
        await tx.putDomain({ name: 'after', status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [] });
        return err;
      });
      assert.ok(caught instanceof DuplicateOpenExecution, `expected DuplicateOpenExecution, got ${String(caught)}`);
      assert.equal(caught.domain, 'd');
      assert.equal(caught.workflowId, 'w');
      assert.equal(await store.getExecution('r2'), undefined);
      assert.ok(await store.getDomain('after'));
      // Another domain, or once the first run closed, the workflowId is free.
      await store.transaction(async (tx) => {
        await tx.insertExecution(makeRun({ runId: 'r3', workflowId: 'w', domain: 'e' }).state);
        await tx.updateExecution(close(first, 'TERMINATED', first.startTimestamp + 1));
        await tx.insertExecution(second);
      });
      assert.equal((await store.findOpenExecution('d', 'w'))?.runId, 'r2');
      assert.equal((await store.findOpenExecution('e', 'w'))?.runId, 'r3');
    });

    it('pages history forwards and backwards', async (t) => {
      const store = await open(t);
      const { state } = makeRun({ runId: 'r1', workflowId: 'w' });
      const events = Array.from({ length: 7 }, (_, i) => marker(i + 1));
      await store.transaction(async (tx) => {
        await tx.insertExecution(state);
        await tx.appendEvents('r1', events.slice(0, 3));
        await tx.appendEvents('r1', []);
      });
      await store.transaction((tx) => tx.appendEvents('r1', events.slice(3)));
      const ids = (list: HistoryEvent[]) => list.map((e) => e.eventId);
      assert.deepEqual(await store.getHistory('r1', { limit: 100, reverse: false }), events);
      assert.deepEqual(ids(await store.getHistory('r1', { limit: 3, reverse: false })), [1, 2, 3]);
      assert.deepEqual(ids(await store.getHistory('r1', { after: 3, limit: 3, reverse: false })), [4, 5, 6]);
      assert.deepEqual(ids(await store.getHistory('r1', { after: 6, limit: 3, reverse: false })), [7]);
      assert.deepEqual(ids(await store.getHistory('r1', { after: 7, limit: 3, reverse: false })), []);
      assert.deepEqual(ids(await store.getHistory('r1', { limit: 3, reverse: true })), [7, 6, 5]);
      assert.deepEqual(ids(await store.getHistory('r1', { after: 5, limit: 3, reverse: true })), [4, 3, 2]);
      assert.deepEqual(ids(await store.getHistory('r1', { after: 2, limit: 3, reverse: true })), [1]);
      assert.deepEqual(await store.getHistory('other', { limit: 3, reverse: false }), []);
    });

    it('claims tasks by priority, then first in first out, once each', async (t) => {
      const store = await open(t);
      const tasks = [task('t1', 0), task('t2', 5), task('t3', 0), task('t4', 5), task('t5', -3), task('x', 9, { taskList: 'other', runId: 'run-b' }), task('y', 9, { kind: 'activity' })];
      await store.transaction(async (tx) => {
        for (const spec of tasks) await tx.enqueueTask(spec);
      });
      assert.equal(await store.countPendingTasks('d', 'decision', 'tl'), 5);
      assert.deepEqual(await store.getTask('t1'), { ...tasks[0], started: false });
      const order: string[] = [];
      for (;;) {
        const claimed = await store.transaction((tx) => tx.claimTask('d', 'decision', 'tl'));
        if (!claimed) break;
        assert.equal(claimed.started, true);
        order.push(claimed.token);
      }
      assert.deepEqual(order, ['t2', 't4', 't1', 't3', 't5']);
      assert.deepEqual(await store.getTask('t4'), { ...tasks[3], started: true });
      assert.equal(await store.countPendingTasks('d', 'decision', 'tl'), 0);
      assert.equal(await store.countPendingTasks('d', 'decision', 'other'), 1);
      assert.equal(await store.countPendingTasks('d', 'activity', 'tl'), 1);
      await store.transaction(async (tx) => {
        await tx.removeTask('t1');
        await tx.removeTasksOfRun('run-b');
      });
      assert.equal(await store.getTask('t1'), undefined);
      assert.ok(await store.getTask('t2'));
      assert.equal(await store.getTask('x'), undefined);
    });

    it('hands each task to exactly one of many concurrent claimers', async (t) => {
      const store = await open(t);
      const tokens = Array.from({ length: 40 }, (_, i) => `task-${String(i).padStart(2, '0')}`);
      await store.transaction(async (tx) => {
        for (const token of tokens) await tx.enqueueTask(task(token, 0));
      });
      const claimer = async (): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const claimed = await store.transaction((tx) => tx.claimTask('d', 'decision', 'tl'));
          if (!claimed) return mine;
          mine.push(claimed.token);
        }
      };
      const claimed = (await Promise.all(Array.from({ length: 8 }, claimer))).flat();
      assert.deepEqual([...claimed].sort(), tokens);
    });

    it('tells task-list listeners after commit, and never about a rollback', async (t) => {
      const store = await open(t);
      const heard: TaskListKey[][] = [];
      store.onTasksAdded((keys) => heard.push(keys));
      await store.transaction(async (tx) => {
        await tx.enqueueTask(task('t1', 0));
        await tx.enqueueTask(task('t2', 0, { kind: 'activity', taskList: 'acts' }));
        assert.equal(heard.length, 0, 'listeners ran before commit');
      });
      assert.equal(heard.length, 1);
      // `tasks` (how many were added) is optional: a back end that counts must count right.
      const sortKeys = (keys: TaskListKey[]) =>
        [...keys]
          .sort((a, b) => a.kind.localeCompare(b.kind))
          .map(({ tasks, ...key }) => {
            if (tasks !== undefined) assert.equal(tasks, 1);
            return key;
          });
      assert.deepEqual(sortKeys(heard[0] ?? []), [
        { domain: 'd', kind: 'activity', taskList: 'acts' },
        { domain: 'd', kind: 'decision', taskList: 'tl' },
      ]);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.enqueueTask(task('t3', 0));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      await store.transaction((tx) => tx.putDomain({ name: 'quiet', status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [] }));
      assert.equal(heard.length, 1);
      assert.equal(await store.getTask('t3'), undefined);
    });

    it('arms, re-arms and disarms deadlines, and takes due ones earliest first, ties in arming order', async (t) => {
      const store = await open(t);
      const key = (runId: string, kind: TimerKey['kind'], ref = ''): TimerKey => ({ runId, kind, ref });
      assert.equal(await store.nextDueAt(), undefined);
      await store.transaction(async (tx) => {
        await tx.armTimer(key('r2', 'timer', '5'), 300);
        await tx.armTimer(key('r1', 'timer', '9'), 300);
        await tx.armTimer(key('r1', 'decisionStartToClose', '3'), 100);
        await tx.armTimer(key('r1', 'retention'), 50);
        await tx.armTimer(key('r1', 'workflowStartToClose'), 900);
        await tx.armTimer(key('r3', 'activityHeartbeat', '7'), 200);
      });
      assert.equal(await store.nextDueAt(), 50);
      await store.transaction(async (tx) => {
        await tx.armTimer(key('r1', 'retention'), 1000); // re-armed later
        await tx.disarmTimer(key('r3', 'activityHeartbeat', '7'));
        await tx.disarmTimer(key('r9', 'timer', '1')); // never armed: nothing to do
      });
      assert.equal(await store.nextDueAt(), 100);
      const taken = await store.transaction((tx) => tx.takeDueTimers(300, 10));
      assert.deepEqual(taken, [
        { key: key('r1', 'decisionStartToClose', '3'), dueAt: 100 },
        { key: key('r2', 'timer', '5'), dueAt: 300 },
        { key: key('r1', 'timer', '9'), dueAt: 300 },
      ]);
      assert.deepEqual(await store.transaction((tx) => tx.takeDueTimers(300, 10)), []);
      assert.equal(await store.nextDueAt(), 900);
      // A closed run's deadlines go, its retention deadline stays.
      await store.transaction((tx) => tx.disarmTimersOfRun('r1'));
      assert.deepEqual(await store.transaction((tx) => tx.takeDueTimers(5000, 10)), [{ key: key('r1', 'retention'), dueAt: 1000 }]);
      assert.equal(await store.nextDueAt(), undefined);
    });

    it('lists armed deadlines of a domain or a run, earliest first, with the run they belong to', async (t) => {
      const store = await open(t);
      await store.transaction(async (tx) => {
        await tx.insertExecution(makeRun({ runId: 'r1', workflowId: 'w1', domain: 'd1' }).state);
        await tx.insertExecution(makeRun({ runId: 'r2', workflowId: 'w2', domain: 'd2' }).state);
        await tx.armTimer({ runId: 'r1', kind: 'timer', ref: 't' }, 300);
        await tx.armTimer({ runId: 'r1', kind: 'workflowStartToClose', ref: '' }, 900);
        await tx.armTimer({ runId: 'r2', kind: 'activityHeartbeat', ref: '5' }, 100);
        await tx.armTimer({ runId: 'gone', kind: 'retention', ref: '' }, 50);
      });
      assert.deepEqual(await store.listDeadlines({ domain: 'd1', limit: 10 }), [
        { key: { runId: 'r1', kind: 'timer', ref: 't' }, dueAt: 300, domain: 'd1', workflowId: 'w1' },
        { key: { runId: 'r1', kind: 'workflowStartToClose', ref: '' }, dueAt: 900, domain: 'd1', workflowId: 'w1' },
      ]);
      assert.deepEqual(await store.listDeadlines({ runId: 'r2', limit: 10 }), [
        { key: { runId: 'r2', kind: 'activityHeartbeat', ref: '5' }, dueAt: 100, domain: 'd2', workflowId: 'w2' },
      ]);
      assert.deepEqual((await store.listDeadlines({ limit: 10, withoutRetention: true })).map((d) => d.key.kind), ['activityHeartbeat', 'timer', 'workflowStartToClose']);
      const all = await store.listDeadlines({ limit: 3 });
      assert.deepEqual(all.map((d) => d.dueAt), [50, 100, 300]);
      assert.deepEqual(all[0], { key: { runId: 'gone', kind: 'retention', ref: '' }, dueAt: 50 });
    });

    it('takes at most `limit` due deadlines, each by one of many concurrent takers, and puts them back on rollback', async (t) => {
      const store = await open(t);
      const keys = Array.from({ length: 30 }, (_, i) => ({ runId: `r${String(i).padStart(2, '0')}`, kind: 'timer' as const, ref: '1' }));
      await store.transaction(async (tx) => {
        for (const [i, k] of keys.entries()) await tx.armTimer(k, 10 + i);
      });
      await assert.rejects(
        store.transaction(async (tx) => {
          assert.equal((await tx.takeDueTimers(1000, 5)).length, 5);
          throw new Error('firing failed');
        }),
        /firing failed/,
      );
      assert.equal(await store.nextDueAt(), 10);
      const taker = async (): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const rows = await store.transaction((tx) => tx.takeDueTimers(1000, 4));
          assert.ok(rows.length <= 4);
          if (rows.length === 0) return mine;
          mine.push(...rows.map((r) => r.key.runId));
        }
      };
      const taken = (await Promise.all(Array.from({ length: 5 }, taker))).flat();
      assert.deepEqual([...taken].sort(), keys.map((k) => k.runId));
    });

    it('deletes a run with its history, tags, tasks and deadlines', async (t) => {
      const store = await open(t);
      const gone = makeRun({ runId: 'gone', workflowId: 'w1', tags: ['x'] });
      const kept = makeRun({ runId: 'kept', workflowId: 'w2', tags: ['x'] });
      await store.transaction(async (tx) => {
        for (const run of [gone, kept]) {
          await tx.insertExecution(run.state);
          await tx.appendEvents(run.state.runId, run.events);
          await tx.enqueueTask(task(`${run.state.runId}-task`, 0, { runId: run.state.runId }));
          await tx.armTimer({ runId: run.state.runId, kind: 'retention', ref: '' }, 10);
        }
      });
      await store.transaction((tx) => tx.deleteExecution('gone'));
      assert.equal(await store.getExecution('gone'), undefined);
      assert.deepEqual(await store.getHistory('gone', { limit: 10, reverse: false }), []);
      assert.equal(await store.getTask('gone-task'), undefined);
      const tagged = await store.listExecutions({ domain: 'd', open: true, startTime: { oldest: 0 }, tag: 'x', reverse: false, limit: 10 });
      assert.deepEqual(tagged.executions.map((e) => e.runId), ['kept']);
      assert.deepEqual(await store.transaction((tx) => tx.takeDueTimers(100, 10)), [{ key: { runId: 'kept', kind: 'retention', ref: '' }, dueAt: 10 }]);
      assert.deepEqual(await store.getHistory('kept', { limit: 10, reverse: false }), kept.events);
      assert.ok(await store.getTask('kept-task'));
    });

    it('rolls a transaction back whole when it throws, and passes the error on', async (t) => {
      const store = await open(t);
      const run = makeRun({ runId: 'r1', workflowId: 'w' });
      const failure = new Error('boom');
      const thrown = await store
        .transaction(async (tx) => {
          await tx.putDomain({ name: 'd', status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [] });
          await tx.insertExecution(run.state);
          await tx.appendEvents('r1', run.events);
          await tx.enqueueTask(task('t1', 0, { runId: 'r1' }));
          await tx.armTimer({ runId: 'r1', kind: 'timer', ref: '1' }, 5);
          throw failure;
        })
        .then(() => undefined, (e: unknown) => e);
      assert.equal(thrown, failure);
      assert.equal(await store.getDomain('d'), undefined);
      assert.equal(await store.getExecution('r1'), undefined);
      assert.deepEqual(await store.getHistory('r1', { limit: 10, reverse: false }), []);
      assert.equal(await store.getTask('t1'), undefined);
      assert.equal(await store.nextDueAt(), undefined);
      // The store works on afterwards and returns what the transaction returns.
      assert.equal(await store.transaction(async (tx) => (await tx.countTypes('d', 'workflow')) + 42), 42);
    });

    runVisibilityConformance(open);
    runConcurrencyConformance(open);
    runTakeTimerConformance(open);
  });
}

function marker(eventId: number): HistoryEvent {
  return {
    eventId,
    eventTimestamp: 1_700_000_000 + eventId / 1000,
    eventType: 'MarkerRecorded',
    markerRecordedEventAttributes: { markerName: `m${eventId}`, details: `détails ${eventId}`, decisionTaskCompletedEventId: 1 },
  };
}

function task(token: string, priority: number, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { token, kind: 'decision', domain: 'd', taskList: 'tl', priority, runId: 'run-a', scheduledEventId: 2, ...extra };
}
