import { Command } from 'commander';
import { ACTION_INPUT_INVALID, isConnectdError } from '../../errors/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd action <connector> <action> --input JSON`: one invocation in the foreground. */
export const actionCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('action')
    .description('invoke a declared action once (a durable job: a failed attempt is retried by the daemon)')
    .argument('<connector>', 'connector key in connectors.yaml')
    .argument('<action>', 'action of that connector')
    .requiredOption('--input <json>', "the action's input as JSON, e.g. '{\"sku\":\"S1\",\"name\":\"Shirt\"}'")
    .option('--connection <id>', 'connection id (default: the connector’s first)');
  command.action(async (connector: string, action: string) => {
    const opts = command.opts<{ input: string; connection?: string }>();
    let input: unknown;
    try {
      input = JSON.parse(opts.input);
    } catch (err) {
      throw ACTION_INPUT_INVALID({ connector, action, errors: [{ path: '', message: `is not JSON (${(err as Error).message})` }] });
    }
    const { actionOnce, readSettings } = await import('../../daemon/index.js');
    const invocation = await actionOnce({
      configPath: configPathOf(command, global, ctx),
      env: ctx.env,
      settings: readSettings(ctx.env, ctx.cwd),
      connector,
      action,
      input,
      connectionId: opts.connection,
    });
    if (invocation.status === 'succeeded') {
      const done = invocation.result;
      ctx.output.out(JSON.stringify({ job: invocation.jobId, outcome: done?.outcome, attempts: done?.attempts, result: done?.result ?? null }, null, 2));
      setExit(EXIT_OK);
      return;
    }
    const error = invocation.error;
    const vendor = error !== undefined && isConnectdError(error) ? error.details['vendorError'] : undefined;
    if (invocation.status === 'dead') {
      ctx.output.err(`error ${error?.code ?? 'CONNECTD_ERR_INTERNAL'}: ${error?.message ?? `job ${invocation.jobId} failed`}`);
      if (vendor !== undefined) ctx.output.err(`vendor answered: ${JSON.stringify(vendor)}`);
      setExit(error !== undefined && isConnectdError(error) && error.exitCode === 2 ? EXIT_BAD_INPUT : EXIT_FAILURE);
      return;
    }
    ctx.output.err(
      `attempt failed ${error?.code ?? ''}: ${error?.message ?? ''}; job ${invocation.jobId} stays queued and a running daemon retries it (GET /api/jobs/${invocation.jobId})`,
    );
    setExit(EXIT_FAILURE);
  });
  return command;
};
