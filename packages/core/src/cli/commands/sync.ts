import { Command } from 'commander';
import type { JobWait } from '../../jobs/index.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** What a foreground sync is waiting for, in words. */
function describeWait(wait: JobWait): string {
  const who = wait.blocker.workerId === null ? 'another worker' : `worker ${wait.blocker.workerId}`;
  const lease = wait.blocker.leaseUntil === null ? '' : ` (lease until ${wait.blocker.leaseUntil.toISOString()})`;
  switch (wait.reason) {
    case 'running-elsewhere':
      return `a daemon took this run (job ${wait.jobId}, ${who}); following it to the end`;
    case 'stream-busy':
      return `waiting for the running sync of this stream (job ${wait.blocker.id}, ${who}${lease})`;
    case 'stale-lease':
      return `the run of job ${wait.blocker.id} (${who}) stopped without finishing${wait.blocker.leaseUntil === null ? '' : `: its lease ran out at ${wait.blocker.leaseUntil.toISOString()}`}; taking it over`;
  }
}

function rate(records: number, elapsedMs: number): string {
  return elapsedMs <= 0 ? '0' : Math.round((records * 1000) / elapsedMs).toLocaleString('en-US');
}

/** `connectd sync <connector> [stream]`: one run in the foreground, through the job path. */
export const syncCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('sync')
    .description('run a connector’s streams once, in the foreground (all streams when none is named)')
    .argument('<connector>', 'connector key in connectors.yaml')
    .argument('[stream]', 'stream of that connector')
    .option('--connection <id>', 'connection id (default: the connector’s first)')
    .option('--full', 'ignore the checkpoint: fetch everything again');
  command.action(async (connector: string, stream: string | undefined) => {
    const opts = command.opts<{ connection?: string; full?: boolean }>();
    const progress = ctx.output.progress;
    let lastLineAt = 0;
    const { syncOnce, readSettings } = await import('../../daemon/index.js');
    const outcomes = await syncOnce({
      configPath: configPathOf(command, global, ctx),
      env: ctx.env,
      settings: readSettings(ctx.env, ctx.cwd),
      connector,
      stream,
      connectionId: opts.connection,
      full: opts.full === true,
      onPrerequisites: (name, first) =>
        ctx.output.out(`${connector}.${name}: runs after ${first.join(', ')}, which never succeeded on this connection; running ${first.length === 1 ? 'it' : 'them'} first`),
      onStart: (name) => ctx.output.out(`${connector}.${name}: started (${opts.full === true && (stream === undefined || name === stream) ? 'full' : 'incremental'})`),
      onWait: (name, wait) => ctx.output.err(`${connector}.${name}: ${describeWait(wait)}`),
      onProgress: (name, p) => {
        const line = `${connector}.${name}: ${p.pages} pages, ${p.records} records, ${rate(p.records, p.elapsedMs)} records/s, ${(p.elapsedMs / 1000).toFixed(1)}s`;
        if (progress !== undefined) progress(line);
        else if (Date.now() - lastLineAt >= 1000) {
          // Plain output for logs and pipes: at most one progress line a second.
          lastLineAt = Date.now();
          ctx.output.out(line);
        }
      },
    });
    progress?.('');
    for (const outcome of outcomes) {
      if (outcome.ok && outcome.summary !== undefined) {
        const s = outcome.summary;
        ctx.output.out(
          `${connector}.${outcome.stream}: succeeded${outcome.followed ? ' (run by a daemon)' : ''}, ${s.pages} pages, ${s.records} records (${s.failed} failed), ${(s.elapsedMs / 1000).toFixed(1)}s` +
            `${s.resumed ? ', resumed' : ''}${s.capped ? ', page cap reached' : ''}`,
        );
      } else {
        ctx.output.err(`${connector}.${outcome.stream}: ${outcome.skipped === true ? 'not run' : 'failed'} ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`);
      }
    }
    setExit(outcomes.every((o) => o.ok) ? EXIT_OK : EXIT_FAILURE);
  });
  return command;
};
