/**
 * The `openswf` command: `serve` runs the server; the other commands are operator tools that
 * speak the SWF API to a running one (`openswf --help`, `openswf <command> --help`).
 *
 * Exit codes everywhere: 0 success (and --help, --version), 1 a failure at run time, 2 a
 * usage mistake.
 */
import { Command, CommanderError } from 'commander';
import { serveCommand, packageVersion } from './commands/serve.js';
import { clockCommand } from './commands/clock.js';
import { domainsCommand } from './commands/domains.js';
import { typesCommand } from './commands/types.js';
import { executionsCommand } from './commands/executions.js';
import { tasksCommand } from './commands/tasks.js';
import { describeFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ReportedFailure, UsageError } from './errors.js';
import { endpointOf } from './client.js';

const version = packageVersion();

function program(): Command {
  const root = new Command('openswf')
    .description('A self-hosted server for the Amazon Simple Workflow Service (SWF) API, and the tools to operate it')
    .version(version, '-V, --version', 'print the version')
    // Usage mistakes and help come back as CommanderErrors, so one place picks the exit code.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  // Settings are copied into subcommands as they are added: add these after configuring root.
  for (const sub of [serveCommand(version), domainsCommand(), typesCommand(), executionsCommand(), tasksCommand(), clockCommand()]) {
    root.addCommand(inherit(sub, root));
  }
  return root;
}

/** addCommand does not copy the parent's settings (command() does): copy them down the tree. */
function inherit(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}

/** The endpoint a failed command was talking to, for the "cannot reach" message. */
function endpointFromArgs(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--endpoint');
  const given = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--endpoint='))?.slice('--endpoint='.length);
  try {
    return endpointOf(given !== undefined ? { endpoint: given } : {});
  } catch {
    return given;
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, -V and `help <command>` end with exit code 0; a help shown because a
      // subcommand is missing ends with 1.
      if (err.exitCode === 0) return EXIT_OK;
      // Everything else commander raises (unknown command or option, missing argument, a bare
      // `openswf` or `openswf domains` that printed the help) is a usage mistake.
      return EXIT_USAGE;
    }
    if (err instanceof ReportedFailure) return err.exitCode;
    if (err instanceof UsageError) {
      process.stderr.write(`openswf: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`openswf: ${describeFailure(err, endpointFromArgs(argv))}\n`);
    return EXIT_FAILURE;
  }
}

const args = process.argv.slice(2);
main(args).then(
  (code) => {
    // `serve` keeps running after its action resolved; every other command ends here, once
    // what it printed is out (the SDK's keep-alive sockets would otherwise hold it a while).
    if (code === EXIT_OK && args[0] === 'serve') return;
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`openswf: ${String(err)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
