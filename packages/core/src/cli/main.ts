import { Command, CommanderError, Option } from 'commander';
import { isConnectdError } from '../errors/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, exitCodeOf } from './exit-codes.js';
import { processOutput, type CliOutput } from './output.js';
import { migrateCommand } from './commands/migrate.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { replayCommand } from './commands/replay.js';
import { validateCommand } from './commands/validate.js';
import { connectCommand } from './commands/connect.js';
import { rotateKeyCommand } from './commands/rotate-key.js';
import { actionCommand } from './commands/action.js';
import { initCommand } from './commands/init.js';

/** Options every command shares. */
export interface GlobalOptions {
  readonly config: string;
}

export interface CliContext {
  readonly output: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

const DEFAULT_CONFIG_PATH = 'connectors.yaml';

function program(ctx: CliContext, setExit: (code: number) => void): Command {
  const root = new Command('connectd')
    .description('Declarative connectors: syncs, webhooks, OAuth and actions from connectors.yaml')
    .addOption(new Option('-c, --config <path>', 'path to connectors.yaml').default(DEFAULT_CONFIG_PATH))
    .showHelpAfterError('(run connectd --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.output.out(s.trimEnd()), writeErr: (s) => ctx.output.err(s.trimEnd()) })
    .exitOverride();
  const global = (): GlobalOptions => root.opts<GlobalOptions>();
  const commands = [runCommand, validateCommand, migrateCommand, statusCommand, syncCommand, actionCommand, replayCommand, connectCommand, rotateKeyCommand, initCommand];
  for (const define of commands) {
    const command = define(ctx, global, setExit);
    command.exitOverride().configureOutput({ writeOut: (s) => ctx.output.out(s.trimEnd()), writeErr: (s) => ctx.output.err(s.trimEnd()) });
    command.addOption(new Option('-c, --config <path>', 'path to connectors.yaml'));
    root.addCommand(command);
  }
  return root;
}

/**
 * Runs the CLI and resolves with the process exit code: 0 success, 1 runtime failure, 2 bad input.
 * @example
 * process.exitCode = await main(['validate', '--config', 'connectors.yaml']);
 */
export async function main(
  argv: readonly string[],
  ctx: CliContext = { output: processOutput, env: process.env, cwd: process.cwd() },
): Promise<number> {
  let exitCode = EXIT_OK;
  const cli = program(ctx, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    cli.outputHelp();
    return EXIT_BAD_INPUT;
  }
  try {
    await cli.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    if (isConnectdError(err)) {
      ctx.output.err(`error ${err.code}: ${err.message}`);
      return exitCodeOf(err);
    }
    ctx.output.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_FAILURE;
  }
}
