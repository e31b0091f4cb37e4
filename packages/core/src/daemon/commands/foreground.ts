import { openCore, type Core, type CoreOptions } from '../core.js';
import type { DaemonSettings } from '../settings.js';

export interface ForegroundOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  readonly onProgress?: CoreOptions['onProgress'];
}

/**
 * The core of a one-off CLI run (`connectd sync`, `action`, `replay`): project, migrated store,
 * vault, OAuth token providers and engine, without the HTTP server or the schedules. Everything is
 * closed when `fn` settles. Logs go to stderr (stdout carries the command's own output, a result a
 * script may parse), at warn unless LOG_LEVEL asks for more, scrubbed of secrets.
 * @example
 * const outcome = await withForeground(options, (core) => core.engine.syncNow(runtime, 'stock', 'full'));
 */
export async function withForeground<T>(options: ForegroundOptions, fn: (core: Core) => Promise<T>): Promise<T> {
  const { settings } = options;
  const core = await openCore({
    configPath: options.configPath,
    env: options.env,
    settings,
    logLevel: settings.logLevel === 'info' ? 'warn' : settings.logLevel,
    logDestination: process.stderr,
    onProgress: options.onProgress,
  });
  try {
    return await fn(core);
  } finally {
    await core.close(settings.shutdownDeadlineMs).catch(() => undefined);
  }
}
