import { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import type { CommandFactory } from './shared.js';

/** `connectd rotate-key`: re-encrypts every stored credential under CONNECTD_SECRET_KEY. */
export const rotateKeyCommand: CommandFactory = (ctx, _global, setExit) =>
  new Command('rotate-key')
    .description('re-encrypt stored credentials under CONNECTD_SECRET_KEY (old keys in CONNECTD_SECRET_KEYS_PREVIOUS)')
    .action(async () => {
      const [{ rotateKeyOnce, readSettings }, { createLogger }] = await Promise.all([import('../../daemon/index.js'), import('../../log/index.js')]);
      const settings = readSettings(ctx.env, ctx.cwd);
      const log = createLogger({ level: settings.logLevel === 'info' ? 'warn' : settings.logLevel });
      const report = await rotateKeyOnce(ctx.env, settings, log);
      ctx.output.out(`re-encrypted ${report.rotated} credential${report.rotated === 1 ? '' : 's'} under key ${report.currentKeyId}` + (report.skipped > 0 ? ` (${report.skipped} changed meanwhile, already current)` : ''));
      for (const failure of report.failed) {
        ctx.output.err(`could not re-encrypt ${failure.connectionId}/${failure.kind}: ${failure.code}`);
      }
      const others = report.keys.filter((k) => k.keyId !== report.currentKeyId);
      if (report.failed.length === 0 && others.length === 0) {
        ctx.output.out('every credential is under the current key: CONNECTD_SECRET_KEYS_PREVIOUS is no longer needed');
        setExit(EXIT_OK);
      } else {
        ctx.output.err(`still under other keys: ${others.map((k) => `${k.keyId} (${k.count})`).join(', ')}; keep those keys in CONNECTD_SECRET_KEYS_PREVIOUS or reconnect the connections`);
        setExit(EXIT_FAILURE);
      }
    });
