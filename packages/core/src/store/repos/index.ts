// The store's repositories: the SQL of syncs (entities, checkpoints, runs, dead letters, vendor ids,
// connections) and of the job queue. Each takes a Queryable or a Database, so callers choose the
// transaction: a sync page writes rows, dead letters, run progress and its checkpoint in one.
export { customEntityTable, ensureCustomEntityTable } from './entity-tables.js';
export type { TableColumn, TableColumnType, EntityTable } from './entity-tables.js';
export { deleteConnectionEntities, deleteConnectionVendorData, prepareEntityUpsert, upsertEntities } from './entities.js';
export type { EntityDeletionFeed, EntityUpsert, EntityUpsertOptions, EntityUpsertRow, UpsertResult } from './entities.js';
export { advanceChangeCursor, lastChangePosition, lockChangeCursor, selectChanges } from './changes.js';
export type { ChangeOperation, ChangeQuery, ChangeRecord, ChangeSource } from './changes.js';
export { deleteCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoints.js';
export type { Checkpoint } from './checkpoints.js';
export { INTERRUPTED_RUN_ERROR, finishRun, getRun, lastRuns, startRun, succeededStreams, updateRunProgress } from './sync-runs.js';
export type { StartRunInput, StartedRun, SyncRun, SyncRunMode, SyncRunResult } from './sync-runs.js';
export { recordSyncBatch } from './sync-batch.js';
export type { SyncBatchRecord } from './sync-batch.js';
export { DEFAULT_DEAD_LETTER_PAGE_SIZE, countDeadLetters, insertDeadLetters, listDeadLetters, markReplayed } from './dead-letters.js';
export type { DeadLetter, DeadLetterCount, DeadLetterFilter, DeadLetterSource, NewDeadLetter } from './dead-letters.js';
export { listVendorIds, lookupVendorIds, rememberVendorIds } from './vendor-ids.js';
export { countInboxBacklog, countSyncedRecords } from './operations.js';
export type { VendorIdRow } from './vendor-ids.js';
export { deleteConnection, getConnection, listConnections, saveConnection, setConnectionStatus, upsertDeclaredConnection } from './connections.js';
export type { ConnectionRecord, ConnectionStatus, ConnectionWrite, DeclaredConnection } from './connections.js';
export { DEFAULT_JOB_MAX_ATTEMPTS, DEFAULT_JOB_QUEUE, SqlJobRepository, createJobRepository, enqueueJob, enqueueUnlessQueued } from './jobs.js';
export type {
  ClaimRequest,
  EnqueueResult,
  FailOutcome,
  JobFailure,
  JobRecord,
  JobStatus,
  JobToken,
  NewJob,
  ScheduleTick,
  TickResult,
} from './job-rows.js';
export { insertInboxRows, keepUnparsableWebhook, type InboxInsertOutcome, type NewInboxRow, type UnparsableWebhook } from './inbox-intake.js';
export { claimInboxEvents, findRoutableConnections, getRoutableConnection, retryInboxEvents, settleInboxEvents } from './inbox-processing.js';
export type { ClaimedInboxRow, InboxClaimRequest, InboxRetry, InboxSettlement, RoutableConnection } from './inbox-processing.js';
export { claimDeadLetterReplay, lastDeadLetterId, listReplayCandidates, requeueInboxEvent, requeueJob } from './replay.js';
export type { ReplayCandidateFilter, RequeuedJob } from './replay.js';
export { deleteCredentials, deleteCredentialsWithPrefix, listCredentialKeys, listCredentials, listCredentialsOf, readCredential, replaceCiphertext, saveCredential, type CiphertextReplacement, type CredentialKey, type CredentialWrite, type StoredCredential } from './credentials.js';
export { consumeOAuthState, deleteExpiredOAuthStates, insertOAuthState } from './oauth-states.js';
export type { OAuthStateRow } from './oauth-states.js';
export { getConnectSession, insertConnectSession, takeConnectSession } from './connect-sessions.js';
export type { ConnectSessionRow, ConnectSessionStanding } from './connect-sessions.js';
export { listTokensToRefresh } from './token-sweep.js';
export type { TokenToRefresh } from './token-sweep.js';
export { RETENTION_LOCK_KEY, gatherMissingStatistics, pruneBatch, reclaimSpace, withRetentionLock } from './retention.js';
export type { PrunableTable, RetentionLockHold, RetentionLockResult } from './retention.js';
export { holdRateBudget, takeRateBudget } from './rate-budgets.js';
export type { RateBudgetKey, RateBudgetMode, RateBudgetTake, RateBudgetTakeRequest } from './rate-budgets.js';
export { answerRateBudget } from './rate-budget-answers.js';
export type { RateBudgetAnswer } from './rate-budget-answers.js';
export { claimBreakerTrial, openBreakerState, readBreakerState, settleBreakerTrial } from './breaker-states.js';
export type { BreakerStateRow } from './breaker-states.js';
export {
  claimOutboundEvents,
  countOutboundEvents,
  disableOutboundDestination,
  insertLifecycleEvent,
  insertOutboundEvents,
  killOutboundEvent,
  listDisabledDestinations,
  markOutboundDelivered,
  releaseOutboundEvent,
  requeueOutboundEvent,
  retryOutboundEvent,
  takeLifecycleEvents,
} from './outbound.js';
export type { LifecycleEventRow, NewLifecycleEvent, NewOutboundEvent, OutboundClaim, OutboundCount, OutboundEventRow, OutboundStatus } from './outbound.js';
export { flowRunExists, insertFlowRun, startChangeCursor, vendorIdsOf } from './flow-runs.js';
export type { FlowRun } from './flow-runs.js';
