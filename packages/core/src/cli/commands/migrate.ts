import { Command } from 'commander';
import { EXIT_OK } from '../exit-codes.js';
import type { CommandFactory } from './shared.js';

/** `connectd migrate`: applies pending store migrations (the daemon also does this at start). */
export const migrateCommand: CommandFactory = (ctx, _global, setExit) =>
  new Command('migrate').description('apply pending database migrations and exit').action(async () => {
    const [{ migrateOnce, readSettings }, { createLogger }] = await Promise.all([import('../../daemon/index.js'), import('../../log/index.js')]);
    const settings = readSettings(ctx.env, ctx.cwd);
    const log = createLogger({ level: settings.logLevel === 'info' ? 'warn' : settings.logLevel });
    const { applied, store } = await migrateOnce(settings, log);
    ctx.output.out(
      applied.length === 0
        ? `store (${store}) is up to date`
        : `applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${store}: ${applied.join(', ')}`,
    );
    setExit(EXIT_OK);
  });
