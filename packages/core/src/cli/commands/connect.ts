import { Command } from 'commander';
import { CONNECTION_REQUEST_INVALID } from '../../errors/index.js';
import { connectUrl, readSettings } from '../../daemon/index.js';
import { EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw CONNECTION_REQUEST_INVALID({ reason: `--param wants name=value, got "${value.slice(0, 64)}"` });
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `connectd connect <connector> --tenant T`: prints the URL that starts the OAuth consent flow. */
export const connectCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('connect')
    .description('print the URL a tenant opens to connect their vendor account (OAuth consent)')
    .argument('<connector>', 'connector key in connectors.yaml (auth type oauth2)')
    .requiredOption('--tenant <id>', 'the tenant (your customer) the connection belongs to')
    .option('--connection <id>', 'connection id (default <connector>-<tenant>)')
    .option('--param <name=value>', 'connection setting sent to the start URL, e.g. shop=acme.myshopify.com (repeatable)', collectParam, {});
  command.action(async (connector: string) => {
    const opts = command.opts<{ tenant: string; connection?: string; param: Record<string, string> }>();
    const settings = readSettings(ctx.env, ctx.cwd);
    const url = await connectUrl({
      configPath: configPathOf(command, global, ctx),
      env: ctx.env,
      publicUrl: settings.publicUrl,
      connector,
      tenant: opts.tenant,
      connection: opts.connection,
      params: opts.param,
    });
    ctx.output.out(url);
    setExit(EXIT_OK);
  });
  return command;
};
