import { Command } from 'commander';
import { CONNECTION_REQUEST_INVALID, OAUTH_SESSION_REQUEST_INVALID } from '../../errors/index.js';
import { EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw CONNECTION_REQUEST_INVALID({ reason: `--param wants name=value, got "${value.slice(0, 64)}"` });
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `--expires-in`: `90s`, `30m`, `2h`, or a number of seconds; the range is checked with the rest of the request. */
function parseDuration(value: string): number {
  const match = /^(\d{1,6})([smh]?)$/.exec(value.trim());
  if (match === null) throw OAUTH_SESSION_REQUEST_INVALID({ reason: `--expires-in wants a duration like 90s, 30m or 2h, got "${value.slice(0, 32)}"` });
  return Number(match[1]) * SECONDS_PER_UNIT[match[2] || 's']!;
}

/**
 * `connectd connect <connector> --tenant T`: makes a connect session and prints its link, the URL
 * the tenant opens to connect their account. The link is the last line of stdout (scripts read
 * it); what it is for goes to stderr.
 */
export const connectCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('connect')
    .description('make a single-use link a tenant opens to connect their vendor account (OAuth consent), and print it')
    .argument('<connector>', 'connector key in connectors.yaml (auth type oauth2)')
    .requiredOption('--tenant <id>', 'the tenant (your customer) the connection belongs to')
    .option('--connection <id>', 'connection id (default <connector>-<tenant>); reconnecting an existing one needs its own tenant')
    .option('--param <name=value>', 'connection setting fixed in the link, e.g. shop=acme.myshopify.com (repeatable)', collectParam, {})
    .option('--expires-in <duration>', 'how long the link works: 90s, 30m, 2h (default 30m, at most 24h)', parseDuration);
  command.action(async (connector: string) => {
    const opts = command.opts<{ tenant: string; connection?: string; param: Record<string, string>; expiresIn?: number }>();
    const { connectLink, readSettings } = await import('../../daemon/index.js');
    const link = await connectLink({
      configPath: configPathOf(command, global, ctx),
      env: ctx.env,
      settings: readSettings(ctx.env, ctx.cwd),
      connector,
      tenant: opts.tenant,
      connection: opts.connection,
      params: opts.param,
      expiresInSeconds: opts.expiresIn,
    });
    ctx.output.err(`consent link for tenant ${opts.tenant}, connection ${link.connectionId}: single use, valid until ${link.expiresAt.toISOString()}`);
    ctx.output.out(link.url);
    setExit(EXIT_OK);
  });
  return command;
};
