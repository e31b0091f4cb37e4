import type { Logger } from '../../log/index.js';
import { openStore } from '../../store/index.js';
import type { DaemonSettings } from '../settings.js';

/**
 * `connectd migrate`: opens the store, applies pending migrations, closes it.
 * @example
 * const { applied, store } = await migrateOnce(readSettings(process.env), log);
 */
export async function migrateOnce(settings: DaemonSettings, log: Logger): Promise<{ applied: string[]; store: string }> {
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, log });
  try {
    const { applied } = await store.migrate();
    return { applied, store: store.db.kind === 'pglite' ? `pglite at ${settings.dataDir}` : 'postgres' };
  } finally {
    await store.close();
  }
}
