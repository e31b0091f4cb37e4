import { Command } from 'commander';
import { EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `connectd replay`: re-enqueues dead letters after the config was fixed; prints what it did, by kind. */
export const replayCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('replay')
    .description('replay dead letters with the current config: webhook events go back to the inbox, records are mapped again, jobs are enqueued again')
    .option('--connector <name>', 'only dead letters of this connector')
    .option('--id <id>', 'this dead letter (repeat for several)', collect)
    .option('--all', 'every open dead letter');
  command.action(async () => {
    const opts = command.opts<{ connector?: string; id?: string[]; all?: boolean }>();
    const { parseReplaySelection } = await import('../../replay/index.js');
    // Checked before the store is opened: no arguments is a usage error (exit 2).
    const selection = parseReplaySelection({
      ...(opts.connector === undefined ? {} : { connector: opts.connector }),
      ...(opts.id === undefined ? {} : { ids: opts.id }),
      ...(opts.all === true ? { all: true } : {}),
    });
    const { replayOnce, readSettings } = await import('../../daemon/index.js');
    const summary = await replayOnce({ configPath: configPathOf(command, global, ctx), env: ctx.env, settings: readSettings(ctx.env, ctx.cwd), selection });
    const k = summary.byKind;
    ctx.output.out(
      `replayed ${count(summary.replayed, 'dead letter')}: ${count(k.webhook_event, 'webhook event')}, ` +
        `${count(k.webhook_record, 'webhook record')}, ${count(k.sync_record, 'sync record')}, ${count(k.job, 'job')}` +
        (k.outbound_event > 0 ? `, ${count(k.outbound_event, 'outbound event')}` : '') +
        (summary.failedAgain > 0 ? `; ${summary.failedAgain} failed again (new dead letters)` : ''),
    );
    for (const s of summary.skipped) ctx.output.err(`skipped ${s.id}: ${s.code}: ${s.reason}`);
    if (summary.notOpen.length > 0) ctx.output.err(`not open (unknown or replayed before): ${summary.notOpen.join(', ')}`);
    setExit(EXIT_OK);
  });
  return command;
};
