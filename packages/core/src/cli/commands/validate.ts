import { Command } from 'commander';
import type { ConfigIssue } from '../../config/index.js';
import { formatConnectors } from '../format.js';
import { isConnectdError } from '../../errors/index.js';
import { EXIT_BAD_INPUT, EXIT_OK } from '../exit-codes.js';
import { configPathOf, type CommandFactory } from './shared.js';

/** `connectd validate`: every config error at once (exit 2), or one line per connector (exit 0). */
export const validateCommand: CommandFactory = (ctx, global, setExit) => {
  const command = new Command('validate').description('check connectors.yaml and the plugins it names; print one line per connector');
  command.action(async () => {
    const configPath = configPathOf(command, global, ctx);
    const [{ loadProject }, { formatConfigIssue }] = await Promise.all([import('../../project/index.js'), import('../../config/index.js')]);
    try {
      const project = await loadProject(configPath, ctx.env);
      for (const line of formatConnectors(project.summaries(), project.plugins.map((p) => p.meta))) ctx.output.out(line);
      setExit(EXIT_OK);
    } catch (err) {
      if (!isConnectdError(err, 'CONNECTD_ERR_CONFIG_INVALID')) throw err;
      const issues = (err.details.issues ?? []) as ConfigIssue[];
      for (const issue of issues) ctx.output.err(formatConfigIssue(issue));
      ctx.output.err(`${issues.length} error${issues.length === 1 ? '' : 's'} in ${configPath}`);
      setExit(EXIT_BAD_INPUT);
    }
  });
  return command;
};
