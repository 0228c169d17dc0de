/** openswf executions list | describe | history | signal | cancel | terminate */
import { Command, Option } from 'commander';
import {
  DescribeWorkflowExecutionCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  RequestCancelWorkflowExecutionCommand,
  SignalWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
  type ChildPolicy,
  type CloseStatus,
  type SWFClient,
  type WorkflowExecutionInfo,
} from '@aws-sdk/client-swf';
import { swfClient, withConnection, type ConnectionOptions } from '../client.js';
import { printFields, printJson, printTable, when } from '../output.js';
import { UsageError } from '../errors.js';
import { showHistory } from '../history.js';
import { parseDuration } from '../duration.js';

const CLOSE_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const;

interface RunOptions extends ConnectionOptions {
  domain: string;
  workflowId: string;
  runId?: string;
  json?: boolean;
}

/** --domain, --workflow-id and --run-id (the open run, else the latest closed one, when left out). */
function withRun(command: Command): Command {
  return withConnection(command)
    .requiredOption('--domain <name>', 'the domain')
    .requiredOption('--workflow-id <id>', 'the workflowId')
    .option('--run-id <id>', 'the run (default: the open run of the workflowId)');
}

/** A time filter bound: an ISO date, epoch seconds, or a duration back from now ("2h", "7d"). */
function parseInstant(text: string, flag: string): Date {
  const ago = parseDuration(text);
  if (ago !== undefined && !/^\d{9,}$/.test(text)) return new Date(Date.now() - ago * 1000);
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} must be an ISO date, epoch seconds or a duration such as 2h or 7d (got ${text})`);
  return date;
}

/** Resolves a missing runId the way the SWF calls that take an optional one do: the open run; failing that, the newest closed one. */
async function resolveRun(swf: SWFClient, options: RunOptions): Promise<{ workflowId: string; runId: string }> {
  if (options.runId !== undefined) return { workflowId: options.workflowId, runId: options.runId };
  const filter = { domain: options.domain, startTimeFilter: { oldestDate: new Date(0) }, executionFilter: { workflowId: options.workflowId }, maximumPageSize: 1 };
  const open = await swf.send(new ListOpenWorkflowExecutionsCommand(filter));
  const closed = open.executionInfos?.length ? undefined : await swf.send(new ListClosedWorkflowExecutionsCommand(filter));
  const found = open.executionInfos?.[0] ?? closed?.executionInfos?.[0];
  const runId = found?.execution?.runId;
  if (runId === undefined) {
    const err = new Error(`no execution with workflowId ${options.workflowId} in domain ${options.domain}`);
    err.name = 'UnknownResourceFault';
    throw err;
  }
  return { workflowId: options.workflowId, runId };
}

interface ListOptions extends ConnectionOptions {
  domain: string;
  closed?: boolean;
  byCloseTime?: boolean;
  since?: string;
  until?: string;
  workflowId?: string;
  type?: string;
  tag?: string;
  status?: CloseStatus;
  limit: string;
  oldestFirst?: boolean;
  json?: boolean;
}

async function list(options: ListOptions): Promise<void> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number (got ${options.limit})`);
  const exclusive = [options.workflowId, options.type, options.tag, options.status].filter((v) => v !== undefined);
  if (exclusive.length > 1) throw new UsageError('--workflow-id, --type, --tag and --status exclude one another (as in the SWF list calls): give at most one');
  if (!options.closed && (options.status !== undefined || options.byCloseTime)) throw new UsageError('--status and --by-close-time apply to closed executions: add --closed');
  const range = {
    oldestDate: options.since !== undefined ? parseInstant(options.since, '--since') : new Date(0),
    ...(options.until !== undefined ? { latestDate: parseInstant(options.until, '--until') } : {}),
  };
  const [typeName, typeVersion] = options.type?.split(':', 2) ?? [];
  const filters = {
    domain: options.domain,
    ...(options.workflowId !== undefined ? { executionFilter: { workflowId: options.workflowId } } : {}),
    ...(typeName !== undefined ? { typeFilter: { name: typeName, ...(typeVersion !== undefined ? { version: typeVersion } : {}) } } : {}),
    ...(options.tag !== undefined ? { tagFilter: { tag: options.tag } } : {}),
    ...(options.oldestFirst ? { reverseOrder: true } : {}),
  };
  const swf = swfClient(options);
  const found: WorkflowExecutionInfo[] = [];
  let nextPageToken: string | undefined;
  do {
    const maximumPageSize = Math.min(1000, limit - found.length);
    const page = options.closed
      ? await swf.send(
          new ListClosedWorkflowExecutionsCommand({
            ...filters,
            ...(options.byCloseTime ? { closeTimeFilter: range } : { startTimeFilter: range }),
            ...(options.status !== undefined ? { closeStatusFilter: { status: options.status } } : {}),
            maximumPageSize,
            nextPageToken,
          }),
        )
      : await swf.send(new ListOpenWorkflowExecutionsCommand({ ...filters, startTimeFilter: range, maximumPageSize, nextPageToken }));
    found.push(...(page.executionInfos ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken && found.length < limit);
  if (options.json) return printJson(found);
  printTable(
    ['WORKFLOW ID', 'RUN ID', 'TYPE', 'STATUS', 'STARTED', 'CLOSED'],
    found.map((e) => [
      e.execution?.workflowId ?? '',
      e.execution?.runId ?? '',
      `${e.workflowType?.name ?? ''}:${e.workflowType?.version ?? ''}`,
      e.closeStatus ?? e.executionStatus ?? '',
      when(e.startTimestamp),
      when(e.closeTimestamp),
    ]),
    options.closed ? '(no closed executions)' : '(no open executions)',
  );
}

export function executionsCommand(): Command {
  const executions = new Command('executions').description('list, inspect and control workflow executions');

  withConnection(executions.command('list').description('list open executions (or closed ones with --closed), newest first'))
    .requiredOption('--domain <name>', 'the domain')
    .option('--closed', 'list closed executions instead of open ones')
    .option('--by-close-time', 'with --closed: --since/--until bound the close time, not the start time')
    .option('--since <when>', 'started (or closed) at or after: ISO date, epoch seconds, or a duration back from now (2h, 7d)')
    .option('--until <when>', 'started (or closed) at or before')
    .option('--workflow-id <id>', 'only this workflowId')
    .option('--type <name[:version]>', 'only this workflow type')
    .option('--tag <tag>', 'only executions with this tag')
    .addOption(new Option('--status <status>', 'with --closed: only this close status').choices(CLOSE_STATUSES))
    .option('--oldest-first', 'oldest first')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print the WorkflowExecutionInfo objects as JSON')
    .action(list);

  withRun(executions.command('describe').description("show a run's status, configuration, open counts and latest activity"))
    .option('--json', 'print the DescribeWorkflowExecution answer as JSON')
    .action(async (options: RunOptions) => {
      const swf = swfClient(options);
      const execution = await resolveRun(swf, options);
      const answer = await swf.send(new DescribeWorkflowExecutionCommand({ domain: options.domain, execution }));
      if (options.json) {
        const { $metadata: _metadata, ...rest } = answer;
        return printJson(rest);
      }
      const info = answer.executionInfo;
      const open = answer.openCounts;
      const config = answer.executionConfiguration;
      printFields([
        ['workflow id', info?.execution?.workflowId],
        ['run id', info?.execution?.runId],
        ['type', `${info?.workflowType?.name ?? ''}:${info?.workflowType?.version ?? ''}`],
        ['status', info?.closeStatus ?? info?.executionStatus],
        ['started', when(info?.startTimestamp)],
        ['closed', info?.closeTimestamp !== undefined ? when(info.closeTimestamp) : undefined],
        ['tags', info?.tagList?.length ? info.tagList.join(', ') : undefined],
        ['task list', config?.taskList?.name],
        ['execution timeout', config?.executionStartToCloseTimeout],
        ['decision task timeout', config?.taskStartToCloseTimeout],
        ['child policy', config?.childPolicy],
        [
          'open',
          open === undefined
            ? undefined
            : `${open.openActivityTasks ?? 0} activities, ${open.openDecisionTasks ?? 0} decision tasks, ${open.openTimers ?? 0} timers, ${open.openChildWorkflowExecutions ?? 0} children, ${open.openLambdaFunctions ?? 0} lambdas`,
        ],
        ['latest activity', answer.latestActivityTaskTimestamp !== undefined ? when(answer.latestActivityTaskTimestamp) : undefined],
        ['cancel requested', info?.cancelRequested ? 'yes' : undefined],
      ]);
    });

  withRun(executions.command('history').description("print a run's events as a timeline; --follow waits for new ones until the run closes"))
    .option('--follow', 'keep printing new events until the run closes')
    .option('--interval <ms>', 'with --follow: how often to look for new events', '1000')
    .option('--json', 'print one HistoryEvent JSON object per line')
    .action(async (options: RunOptions & { follow?: boolean; interval: string }) => {
      const intervalMs = Number(options.interval);
      if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new UsageError(`--interval must be a number of milliseconds, at least 10 (got ${options.interval})`);
      const swf = swfClient(options);
      const execution = await resolveRun(swf, options);
      await showHistory(swf, options.domain, execution, { json: options.json === true, follow: options.follow === true, intervalMs });
    });

  withRun(executions.command('signal').description('send a signal to an open execution'))
    .requiredOption('--signal <name>', 'the signal name')
    .option('--input <text>', "the signal's input")
    .option('--json', 'print {} as JSON instead of a sentence')
    .action(async (options: RunOptions & { signal: string; input?: string }) => {
      await swfClient(options).send(
        new SignalWorkflowExecutionCommand({
          domain: options.domain,
          workflowId: options.workflowId,
          signalName: options.signal,
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          ...(options.input !== undefined ? { input: options.input } : {}),
        }),
      );
      if (options.json) return printJson({});
      process.stdout.write(`signalled ${options.workflowId} with ${options.signal}\n`);
    });

  withRun(executions.command('cancel').description('ask an open execution to cancel (its decider decides)'))
    .option('--json', 'print {} as JSON instead of a sentence')
    .action(async (options: RunOptions) => {
      await swfClient(options).send(
        new RequestCancelWorkflowExecutionCommand({ domain: options.domain, workflowId: options.workflowId, ...(options.runId !== undefined ? { runId: options.runId } : {}) }),
      );
      if (options.json) return printJson({});
      process.stdout.write(`cancel requested for ${options.workflowId}\n`);
    });

  withRun(executions.command('terminate').description('close an open execution at once'))
    .option('--reason <text>', 'why (recorded in the history)')
    .option('--details <text>', 'details (recorded in the history)')
    .addOption(new Option('--child-policy <policy>', "what happens to its children (default: the run's own policy)").choices(['TERMINATE', 'REQUEST_CANCEL', 'ABANDON']))
    .option('--json', 'print {} as JSON instead of a sentence')
    .action(async (options: RunOptions & { reason?: string; details?: string; childPolicy?: ChildPolicy }) => {
      await swfClient(options).send(
        new TerminateWorkflowExecutionCommand({
          domain: options.domain,
          workflowId: options.workflowId,
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
          ...(options.details !== undefined ? { details: options.details } : {}),
          ...(options.childPolicy !== undefined ? { childPolicy: options.childPolicy } : {}),
        }),
      );
      if (options.json) return printJson({});
      process.stdout.write(`terminated ${options.workflowId}\n`);
    });

  return executions;
}
