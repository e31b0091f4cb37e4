import { relative } from 'node:path';
import { Command } from 'commander';
import type { ScaffoldResult } from '../../scaffold/index.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliContext } from '../main.js';
import type { CommandFactory } from './shared.js';

function report(ctx: CliContext, result: ScaffoldResult, next: readonly string[]): void {
  for (const file of result.files) ctx.output.out(`created ${relative(ctx.cwd, file) || file}`);
  ctx.output.out('');
  ctx.output.out('next:');
  for (const line of next) ctx.output.out(`  ${line}`);
}

/** `connectd init connector <name>` and `connectd init project`: new folders that work as written. */
export const initCommand: CommandFactory = (ctx, _global, setExit) => {
  // Set before the subcommands exist: commander copies these settings into subcommands as they are made.
  const init = new Command('init')
    .description('scaffold a connector plugin package or an integrator project folder')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.trimEnd()), writeErr: (s) => ctx.output.err(s.trimEnd()) });
  init
    .command('connector <name>')
    .description('a plugin package connectd-connector-<name>: preset, fake vendor, tests (docs/plugins.md)')
    .option('--dir <dir>', 'folder to create (default ./connectd-connector-<name>); must be new or empty')
    .action(async (name: string, options: { dir?: string }) => {
      const { scaffoldConnector } = await import('../../scaffold/index.js');
      const result = scaffoldConnector(name, { cwd: ctx.cwd, ...(options.dir === undefined ? {} : { dir: options.dir }) });
      const where = relative(ctx.cwd, result.dir) || '.';
      report(ctx, result, [`cd ${where}`, 'npm install', 'npm test            # builds dist/ and runs the preset and fake-vendor tests']);
      setExit(EXIT_OK);
    });
  init
    .command('project')
    .description('an integrator folder: connectors.yaml with its $schema line, .env.example, README')
    .option('--dir <dir>', 'folder to create (default the working directory); must be new or empty')
    .action(async (options: { dir?: string }) => {
      const { scaffoldProject } = await import('../../scaffold/index.js');
      const result = scaffoldProject({ cwd: ctx.cwd, ...(options.dir === undefined ? {} : { dir: options.dir }) });
      const where = relative(ctx.cwd, result.dir) || '.';
      report(ctx, result, [`cd ${where}`, 'npm install', 'npx connectd validate', 'npx connectd run']);
      setExit(EXIT_OK);
    });
  return init;
};
