/** openswf types list */
import { Command, Option } from 'commander';
import { ListActivityTypesCommand, ListWorkflowTypesCommand, type RegistrationStatus, type SWFClient } from '@aws-sdk/client-swf';
import { swfClient, withConnection, type ConnectionOptions } from '../client.js';
import { printJson, printTable, when } from '../output.js';

interface TypeRow {
  kind: 'workflow' | 'activity';
  name: string;
  version: string;
  status: string;
  description?: string;
  creationDate?: Date;
  deprecationDate?: Date;
}

async function listKind(swf: SWFClient, domain: string, kind: 'workflow' | 'activity', registrationStatus: RegistrationStatus): Promise<TypeRow[]> {
  const rows: TypeRow[] = [];
  let nextPageToken: string | undefined;
  do {
    const page =
      kind === 'workflow'
        ? await swf.send(new ListWorkflowTypesCommand({ domain, registrationStatus, nextPageToken }))
        : await swf.send(new ListActivityTypesCommand({ domain, registrationStatus, nextPageToken }));
    const infos = 'typeInfos' in page ? page.typeInfos : [];
    for (const info of infos ?? []) {
      const type = 'workflowType' in info ? info.workflowType : 'activityType' in info ? info.activityType : undefined;
      rows.push({
        kind,
        name: type?.name ?? '',
        version: type?.version ?? '',
        status: info.status ?? '',
        ...(info.description !== undefined ? { description: info.description } : {}),
        ...(info.creationDate !== undefined ? { creationDate: info.creationDate } : {}),
        ...(info.deprecationDate !== undefined ? { deprecationDate: info.deprecationDate } : {}),
      });
    }
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return rows;
}

export function typesCommand(): Command {
  const types = new Command('types').description('list workflow and activity types');
  withConnection(types.command('list').description('list the workflow and activity types of a domain'))
    .requiredOption('--domain <name>', 'the domain')
    .addOption(new Option('--kind <kind>', 'which types').choices(['workflow', 'activity', 'all']).default('all'))
    .option('--deprecated', 'list the deprecated types instead of the registered ones')
    .option('--json', 'print the types as JSON')
    .action(async (options: ConnectionOptions & { domain: string; kind: 'workflow' | 'activity' | 'all'; deprecated?: boolean; json?: boolean }) => {
      const swf = swfClient(options);
      const status: RegistrationStatus = options.deprecated ? 'DEPRECATED' : 'REGISTERED';
      const kinds = options.kind === 'all' ? (['workflow', 'activity'] as const) : ([options.kind] as const);
      const rows: TypeRow[] = [];
      for (const kind of kinds) rows.push(...(await listKind(swf, options.domain, kind, status)));
      if (options.json) return printJson(rows);
      printTable(
        ['KIND', 'NAME', 'VERSION', 'STATUS', 'CREATED', 'DESCRIPTION'],
        rows.map((r) => [r.kind, r.name, r.version, r.status, when(r.creationDate), r.description ?? '']),
        '(no types)',
      );
    });
  return types;
}
