import { createLogger, SecretValues } from '../log/index.js';
import { openStore } from '../store/index.js';
import { Engine, type EngineOptions } from './engine.js';
import { createOAuthServices, type OAuthServices } from './oauth.js';
import { loadProject } from './project.js';
import type { DaemonSettings } from './settings.js';
import { resolveVault } from './vault-setup.js';

export interface ForegroundOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  readonly onProgress?: EngineOptions['onProgress'];
}

/**
 * The engine of a one-off CLI run (`connectd sync`, `connectd action`): the project, the migrated
 * store, the vault and OAuth token providers, without the HTTP server or the schedules. Everything
 * is closed when `fn` settles. Logs to stderr at warn unless LOG_LEVEL asks for more, scrubbed of secrets.
 */
export async function withForegroundEngine<T>(options: ForegroundOptions, fn: (engine: Engine, secrets: SecretValues) => Promise<T>): Promise<T> {
  const secrets = new SecretValues();
  const project = await loadProject(options.configPath, options.env);
  for (const value of project.secretValues) secrets.add(value);
  // Log lines go to stderr: stdout carries the command's own output (a result a script may parse).
  const log = createLogger({ level: options.settings.logLevel === 'info' ? 'warn' : options.settings.logLevel, secrets, destination: process.stderr });
  const vault = resolveVault(options.env, options.settings, log);
  const store = await openStore({ databaseUrl: options.settings.databaseUrl, dataDir: options.settings.dataDir, log: log.child({ component: 'store' }) });
  let engine: Engine | undefined;
  let oauth: OAuthServices | undefined;
  try {
    await store.migrate();
    const redact = (text: string): string => secrets.scrub(text);
    oauth = createOAuthServices({ project, store, vault, log, publicUrl: options.settings.publicUrl, redact });
    engine = await Engine.create({
      project,
      store,
      log,
      redact,
      leaseMs: options.settings.jobLeaseMs,
      onProgress: options.onProgress,
      oauth,
      vault: vault?.vault,
      onSecret: (value) => secrets.add(value),
    });
    return await fn(engine, secrets);
  } finally {
    await engine?.stop(options.settings.shutdownDeadlineMs).catch(() => undefined);
    await oauth?.close().catch(() => undefined);
    await store.close();
  }
}
