import { migration0001Initial } from './0001_initial.js';
import { migration0002Syncs } from './0002_syncs.js';
import { migration0003WebhookProcessing } from './0003_webhook_processing.js';
import { migration0004OAuth } from './0004_oauth.js';
import { migration0005ProductActive } from './0005_product_active.js';
import { migration0006Retention } from './0006_retention.js';
import { migration0007ConnectSessions } from './0007_connect_sessions.js';
import { migration0008SharedHttpState } from './0008_shared_http_state.js';
import { migration0009FairClaims } from './0009_fair_claims.js';
import { migration0010Changes } from './0010_changes.js';
import { migration0011OutboundEvents } from './0011_outbound_events.js';
import { migration0012FlowRuns } from './0012_flow_runs.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';
export { migrationChecksum } from './migration.js';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration0001Initial, migration0002Syncs, migration0003WebhookProcessing, migration0004OAuth, migration0005ProductActive, migration0006Retention, migration0007ConnectSessions, migration0008SharedHttpState, migration0009FairClaims, migration0010Changes, migration0011OutboundEvents, migration0012FlowRuns];
