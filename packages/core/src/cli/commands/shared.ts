import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../main.js';

/** Sets the command's exit code. */
export type SetExit = (code: number) => void;

/**
 * Defines one subcommand; main.ts wires it under the root program. A factory only declares the
 * command (name, arguments, options, help); its action imports what it runs (`await
 * import('../../daemon/index.js')`), so `connectd --help` or `validate` does not load the daemon,
 * and each command loads only its own part of connectd.
 */
export type CommandFactory = (ctx: CliContext, global: () => GlobalOptions, setExit: SetExit) => Command;

/** The config path, whether `--config` came before or after the subcommand, made absolute. */
export function configPathOf(command: Command, global: () => GlobalOptions, ctx: CliContext): string {
  const own = command.opts<{ config?: string }>().config;
  const path = own ?? global().config;
  return isAbsolute(path) ? path : resolve(ctx.cwd, path);
}
