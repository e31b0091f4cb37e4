import { Command } from 'commander';
import type { HangupListener } from '../../daemon/index.js';
import { holdStopSignals } from './held-signals.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd run`: the daemon, until SIGTERM or SIGINT; it reloads its config when the file changes and on SIGHUP. */
export const runCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('run').description('run the daemon: HTTP server, schedules and workers');
  command.action(async () => {
    const held = holdStopSignals();
    let hangup: HangupListener | undefined;
    try {
      const { readSettings, reloadOnHangup, startDaemon, stopOnSignal } = await import('../../daemon/index.js');
      // Before the start: SIGHUP would otherwise end the process; one that comes meanwhile reloads once the daemon runs.
      hangup = reloadOnHangup();
      const settings = readSettings(ctx.env, ctx.cwd);
      const daemon = await startDaemon({ configPath: configPathOf(command, global, ctx), env: ctx.env, settings, watchConfig: true });
      const stopped = stopOnSignal(daemon, daemon.log, settings.shutdownDeadlineMs);
      hangup.attach(daemon);
      held.release();
      setExit(await stopped);
    } finally {
      // After a failed start: a held signal has nothing left to stop.
      held.release();
      hangup?.detach();
    }
  });
  return command;
};
