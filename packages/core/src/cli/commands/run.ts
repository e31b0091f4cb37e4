import { Command } from 'commander';
import { holdStopSignals } from './held-signals.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd run`: the daemon, until SIGTERM or SIGINT. */
export const runCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('run').description('run the daemon: HTTP server, schedules and workers');
  command.action(async () => {
    const held = holdStopSignals();
    try {
      const { readSettings, startDaemon, stopOnSignal } = await import('../../daemon/index.js');
      const settings = readSettings(ctx.env, ctx.cwd);
      const daemon = await startDaemon({ configPath: configPathOf(command, global, ctx), env: ctx.env, settings });
      const stopped = stopOnSignal(daemon, daemon.log, settings.shutdownDeadlineMs);
      held.release();
      setExit(await stopped);
    } finally {
      // After a failed start: a held signal has nothing left to stop.
      held.release();
    }
  });
  return command;
};
