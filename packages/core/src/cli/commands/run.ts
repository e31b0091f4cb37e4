import { Command } from 'commander';
import { readSettings, startDaemon, stopOnSignal } from '../../daemon/index.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd run`: the daemon, until SIGTERM or SIGINT. */
export const runCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('run').description('run the daemon: HTTP server, schedules and workers');
  command.action(async () => {
    const settings = readSettings(ctx.env, ctx.cwd);
    const daemon = await startDaemon({ configPath: configPathOf(command, global, ctx), env: ctx.env, settings });
    setExit(await stopOnSignal(daemon, daemon.log, settings.shutdownDeadlineMs));
  });
  return command;
};
