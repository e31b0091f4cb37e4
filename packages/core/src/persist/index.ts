/**
 * persist/: the feature ports implemented over store/ (which alone runs SQL): the one entity write
 * path, the sync's and webhook processing's storage, the intake's inbox, connections, replay and
 * status, and the HTTP state several daemons share. Each adapter decides what commits together;
 * store/ supplies the statements.
 */
export { createEntityWriter, ensureEntityTables } from './entity-writer.js';
export type { EntityWrite, EntityWriteCounts, EntityWriter, EntityWriterOptions } from './entity-writer.js';
export { createSyncStore } from './sync-store.js';
export { createWebhookEventStore } from './webhook-event-store.js';
export { createInboxWriter } from './inbox-writer.js';
export { createConnectionStore } from './connection-store.js';
export { createReplayStore } from './replay-store.js';
export { createStatusStore } from './status-store.js';
export { createRetentionStore } from './retention-store.js';
export { sharedHttpStateOf } from './shared-http-state.js';
