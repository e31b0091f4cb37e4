import { Command } from 'commander';
import { formatStatus } from '../format.js';
import { EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd status`: asks the running daemon, or reads the config and store itself when none answers. */
export const statusCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('status')
    .description('show connectors, connections and the store; asks the running daemon when one answers on its port (PORT, else server.port)')
    .option('--json', 'print JSON instead of a table');
  command.action(async () => {
    const { readStatus, readSettings } = await import('../../daemon/index.js');
    const settings = readSettings(ctx.env, ctx.cwd);
    const status = await readStatus({ configPath: configPathOf(command, global, ctx), env: ctx.env, settings });
    const json = command.opts<{ json?: boolean }>().json === true;
    if (json) ctx.output.out(JSON.stringify(status, null, 2));
    else for (const line of formatStatus(status)) ctx.output.out(line);
    setExit(EXIT_OK);
  });
  return command;
};
