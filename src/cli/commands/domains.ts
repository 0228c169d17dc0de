/** openswf domains list | describe | register | deprecate */
import { Command, Option } from 'commander';
import {
  DeprecateDomainCommand,
  DescribeDomainCommand,
  ListDomainsCommand,
  RegisterDomainCommand,
  type DomainInfo,
} from '@aws-sdk/client-swf';
import { swfClient, withConnection, type ConnectionOptions } from '../client.js';
import { printFields, printJson, printTable } from '../output.js';
import { UsageError } from '../errors.js';

interface JsonOption {
  json?: boolean;
}

export function domainsCommand(): Command {
  const domains = new Command('domains').description('list, describe, register and deprecate domains');

  withConnection(domains.command('list').description('list the domains (registered ones unless --deprecated)'))
    .option('--deprecated', 'list the deprecated domains instead')
    .option('--json', 'print the DomainInfo objects as JSON')
    .action(async (options: ConnectionOptions & JsonOption & { deprecated?: boolean }) => {
      const swf = swfClient(options);
      const found: DomainInfo[] = [];
      let nextPageToken: string | undefined;
      do {
        const page = await swf.send(new ListDomainsCommand({ registrationStatus: options.deprecated ? 'DEPRECATED' : 'REGISTERED', nextPageToken }));
        found.push(...(page.domainInfos ?? []));
        nextPageToken = page.nextPageToken;
      } while (nextPageToken);
      if (options.json) return printJson(found);
      printTable(['NAME', 'STATUS', 'DESCRIPTION'], found.map((d) => [d.name ?? '', d.status ?? '', d.description ?? '']), '(no domains)');
    });

  withConnection(domains.command('describe').description("show a domain's status, retention period and ARN").argument('<name>', 'the domain'))
    .option('--json', 'print the DescribeDomain answer as JSON')
    .action(async (name: string, options: ConnectionOptions & JsonOption) => {
      const answer = await swfClient(options).send(new DescribeDomainCommand({ name }));
      if (options.json) return printJson({ domainInfo: answer.domainInfo, configuration: answer.configuration });
      printFields([
        ['name', answer.domainInfo?.name],
        ['status', answer.domainInfo?.status],
        ['description', answer.domainInfo?.description],
        ['retention days', answer.configuration?.workflowExecutionRetentionPeriodInDays],
        ['arn', answer.domainInfo?.arn],
      ]);
    });

  withConnection(domains.command('register').description('register a domain').argument('<name>', 'the domain'))
    .addOption(new Option('--retention-days <days>', 'how long closed executions are kept: 0 to 90, or NONE').default('1'))
    .option('--description <text>', 'a description')
    .option('--json', 'print {} as JSON instead of a sentence')
    .action(async (name: string, options: ConnectionOptions & JsonOption & { retentionDays: string; description?: string }) => {
      if (!/^([0-9]|[1-8][0-9]|90|NONE)$/.test(options.retentionDays)) throw new UsageError(`--retention-days must be a whole number from 0 to 90, or NONE (got ${options.retentionDays})`);
      await swfClient(options).send(
        new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: options.retentionDays, ...(options.description !== undefined ? { description: options.description } : {}) }),
      );
      if (options.json) return printJson({});
      process.stdout.write(`registered domain ${name} (retention ${options.retentionDays} days)\n`);
    });

  withConnection(domains.command('deprecate').description('deprecate a domain: no new executions or types in it').argument('<name>', 'the domain'))
    .option('--json', 'print {} as JSON instead of a sentence')
    .action(async (name: string, options: ConnectionOptions & JsonOption) => {
      await swfClient(options).send(new DeprecateDomainCommand({ name }));
      if (options.json) return printJson({});
      process.stdout.write(`deprecated domain ${name}\n`);
    });

  return domains;
}
