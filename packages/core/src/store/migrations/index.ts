import { migration0001Initial } from './0001_initial.js';
import { migration0002Syncs } from './0002_syncs.js';
import { migration0003WebhookProcessing } from './0003_webhook_processing.js';
import { migration0004OAuth } from './0004_oauth.js';
import { migration0005ProductActive } from './0005_product_active.js';
import { migration0006Retention } from './0006_retention.js';
import { migration0007ConnectSessions } from './0007_connect_sessions.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';
export { migrationChecksum } from './migration.js';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration0001Initial, migration0002Syncs, migration0003WebhookProcessing, migration0004OAuth, migration0005ProductActive, migration0006Retention, migration0007ConnectSessions];
