/** openswf tasks count */
import { Command, Option } from 'commander';
import { CountPendingActivityTasksCommand, CountPendingDecisionTasksCommand } from '@aws-sdk/client-swf';
import { swfClient, withConnection, type ConnectionOptions } from '../client.js';
import { printJson, printTable } from '../output.js';

export function tasksCommand(): Command {
  const tasks = new Command('tasks').description('look at task lists');
  withConnection(tasks.command('count').description('count the tasks waiting in a task list for a poller'))
    .requiredOption('--domain <name>', 'the domain')
    .requiredOption('--task-list <name>', 'the task list')
    .addOption(new Option('--kind <kind>', 'which tasks').choices(['decision', 'activity', 'all']).default('all'))
    .option('--json', 'print {"decision": {count, truncated}, "activity": {...}} as JSON')
    .action(async (options: ConnectionOptions & { domain: string; taskList: string; kind: 'decision' | 'activity' | 'all'; json?: boolean }) => {
      const swf = swfClient(options);
      const input = { domain: options.domain, taskList: { name: options.taskList } };
      const counts: Record<string, { count: number; truncated: boolean }> = {};
      if (options.kind !== 'activity') {
        const c = await swf.send(new CountPendingDecisionTasksCommand(input));
        counts.decision = { count: c.count ?? 0, truncated: c.truncated ?? false };
      }
      if (options.kind !== 'decision') {
        const c = await swf.send(new CountPendingActivityTasksCommand(input));
        counts.activity = { count: c.count ?? 0, truncated: c.truncated ?? false };
      }
      if (options.json) return printJson(counts);
      printTable(
        ['KIND', 'PENDING'],
        Object.entries(counts).map(([kind, c]) => [kind, `${c.count}${c.truncated ? '+' : ''}`]),
      );
    });
  return tasks;
}
