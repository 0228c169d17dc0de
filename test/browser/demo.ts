/**
 * A demo domain for the console's browser test and screenshots, made through the SWF API on
 * a server with a virtual clock (so its bars have lengths and its timer can be made to fire):
 * closed runs of every kind, and the open run `order-1042` with an activity that failed and
 * was retried (same activityId), one still running with heartbeat details, a timer due in an
 * hour, a completed child and a signal. `order-1043` is open, to be terminated.
 */
import {
  DeprecateDomainCommand,
  RecordActivityTaskHeartbeatCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  SignalWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import type { TestServer } from '../helpers/server.js';
import { history, type Fixture } from '../helpers/swf.js';
import { complete, decide, fail, scheduleActivity, startChild, startOn, startTimer, takeActivityTask, takeDecisionTask, respond, type Run } from '../helpers/workflow.js';

export interface Demo {
  fixture: Fixture;
  main: Run;
  other: Run;
  child: Run;
  /** order-1050's runs, oldest first: each continued as new into the next; the last is open. */
  chain: Run[];
}

const CHARGE = { name: 'charge-card', version: '1' };
const RESERVE = { name: 'reserve-stock', version: '2' };

export async function seedDemo(server: TestServer, swf: SWFClient, domain = 'orders'): Promise<Demo> {
  const f: Fixture = { domain, workflowType: { name: 'order-fulfilment', version: '1' }, activityType: CHARGE, taskList: 'order-deciders', activityTaskList: 'order-workers' };
  await swf.send(new RegisterDomainCommand({ name: domain, description: 'Orders of the demo shop', workflowExecutionRetentionPeriodInDays: '30' }));
  await swf.send(new RegisterDomainCommand({ name: 'billing', workflowExecutionRetentionPeriodInDays: '7' }));
  await swf.send(new RegisterDomainCommand({ name: 'legacy', description: 'Replaced by orders', workflowExecutionRetentionPeriodInDays: '0' }));
  await swf.send(new DeprecateDomainCommand({ name: 'legacy' }));
  await swf.send(
    new RegisterWorkflowTypeCommand({ domain, ...f.workflowType, defaultTaskList: { name: f.taskList }, defaultExecutionStartToCloseTimeout: '86400', defaultTaskStartToCloseTimeout: '60', defaultChildPolicy: 'TERMINATE' }),
  );
  for (const type of [CHARGE, RESERVE]) {
    await swf.send(
      new RegisterActivityTypeCommand({
        domain,
        ...type,
        defaultTaskList: { name: f.activityTaskList },
        defaultTaskScheduleToStartTimeout: 'NONE',
        defaultTaskScheduleToCloseTimeout: 'NONE',
        defaultTaskStartToCloseTimeout: '600',
        defaultTaskHeartbeatTimeout: '120',
      }),
    );
  }
  // Closed runs of every outcome, for the Closed tab.
  for (let i = 0; i < 6; i++) {
    const run = await startOn(swf, f, `order-10${30 + i}`, { tagList: [i % 2 === 0 ? 'customer:acme' : 'customer:globex'], input: JSON.stringify({ order: 1030 + i }) });
    await server.advance(7);
    if (i === 3) {
      await swf.send(new TerminateWorkflowExecutionCommand({ domain, ...run, reason: 'duplicate order' }));
    } else {
      await decide(swf, f, run, [i === 1 ? fail('out of stock', 'sku 42') : complete(JSON.stringify({ shipped: true }))]);
    }
    await server.advance(13);
  }

  const main = await startOn(swf, f, 'order-1042', { tagList: ['customer:acme', 'priority:high'], input: JSON.stringify({ order: 1042, items: [{ sku: 'A-7', qty: 2 }], total: '59.90' }) });
  const shipList = 'ship-deciders';
  await server.advance(1);
  await decide(swf, f, main, [
    scheduleActivity(f, 'reserve', { activityType: RESERVE, input: '{"sku":"A-7","qty":2}' }),
    scheduleActivity(f, 'charge', { input: '{"amount":"59.90"}' }),
    startTimer('payment-reminder', '3600'),
    startChild('order-1042-ship', f.workflowType, { taskList: { name: shipList }, input: '{"carrier":"dhl"}' }),
  ]);
  await server.advance(2);
  const reserve = await takeActivityTask(swf, f, 'reserve');
  await server.advance(1);
  const charge = await takeActivityTask(swf, f, 'charge');
  await server.advance(3);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: reserve.taskToken, result: '{"reserved":true}' }));
  await server.advance(2);
  await swf.send(new RespondActivityTaskFailedCommand({ taskToken: charge.taskToken, reason: 'card declined', details: 'issuer said: try again' }));
  // The child: started on its own list; its decider completes it after a while.
  const childTask = await takeDecisionTask(swf, f, shipList);
  const child = childTask.workflowExecution;
  await server.advance(4);
  await respond(swf, childTask.taskToken, [complete('{"tracking":"DHL-123"}')]);
  // The parent's decider retries the charge (same activityId: one row on the timeline).
  await server.advance(1);
  await decide(swf, f, main, [scheduleActivity(f, 'charge', { input: '{"amount":"59.90","attempt":2}' })]);
  await server.advance(2);
  const retry = await takeActivityTask(swf, f, 'charge');
  await server.advance(3);
  await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: retry.taskToken, details: 'authorizing: 50%' }));
  await swf.send(new SignalWorkflowExecutionCommand({ domain, ...main, signalName: 'address-changed', input: '{"city":"Lyon"}' }));
  await server.advance(1);
  // The signal's decision task: the decider waits for the charge and the timer.
  await decide(swf, f, main, []);
  await server.advance(5);

  const other = await startOn(swf, f, 'order-1043', { tagList: ['customer:globex'], input: '{"order":1043}' });
  await server.advance(2);

  // A subscription that continues as new each period: three runs of one workflowId.
  const first = await startOn(swf, f, 'order-1050', { input: '{"period":1}' });
  const chain: Run[] = [first];
  for (let period = 2; period <= 3; period++) {
    const previous = chain[chain.length - 1] as Run & { taskList?: string };
    await server.advance(3);
    await decide(swf, f, previous, [{ decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { input: `{"period":${period}}`, taskList: { name: first.taskList } } }]);
    const closing = (await history(swf, domain, previous)).at(-1);
    const runId = closing?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? '';
    chain.push({ workflowId: 'order-1050', runId, taskList: first.taskList });
  }
  return { fixture: f, main, other, child, chain };
}
