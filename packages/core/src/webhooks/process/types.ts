/**
 * What the inbox processor needs from the rest of the daemon. Defined here, by the consumer, and
 * implemented by the composition root over the store (daemon/webhook-store.ts), so this folder has
 * no SQL and its tests can use any implementation.
 */
import type { ConnectionInfo, OutgoingRequest } from '../../connector/index.js';
import type { EntityRow, RecordFailure } from '../../mapping/index.js';

/** One stored delivery, claimed for processing. */
export interface InboxEvent {
  readonly id: string;
  /** The connector's YAML key. */
  readonly connector: string;
  readonly dedupeKey: string;
  /** As the intake stored them; undefined/null when the intake left them for processing to read. */
  readonly eventType: string | null;
  readonly routingKey: string | null;
  /** The headers the intake kept (lower-cased names, string values). */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly receivedAt: Date;
  /** Attempts so far, this one included. */
  readonly attempts: number;
}

/** How one event ends; the store applies a batch of these in one transaction. */
export type EventSettlement =
  | {
      readonly kind: 'processed';
      readonly event: InboxEvent;
      readonly eventType: string;
      readonly routingKey: string | undefined;
      readonly connection: ConnectionInfo;
      /** Each row names its entity; an event may write several. */
      readonly rows: readonly EntityRow[];
      /** Dead-lettered with the event's id and type, so replay can map them again. */
      readonly failures: readonly RecordFailure[];
      /** What the event asks of its connection besides rows, applied in the same transaction. */
      readonly effect?: EventEffect | undefined;
    }
  | { readonly kind: 'ignored'; readonly event: InboxEvent; readonly eventType: string | undefined; readonly routingKey: string | undefined }
  | {
      readonly kind: 'dead';
      readonly event: InboxEvent;
      readonly eventType: string | undefined;
      readonly routingKey: string | undefined;
      readonly reason: DeadLetterReason;
      readonly code: string;
      readonly message: string;
    };

/** What an event asks of its connection instead of (or besides) writing rows. */
export type EventEffect =
  /** Queue an incremental run of the stream, unless one is queued already. */
  | { readonly kind: 'run_stream'; readonly stream: string }
  /** needs_reauth: the grant is gone, the account must connect again; disabled: the app was uninstalled (its tokens are deleted). */
  | { readonly kind: 'mark_connection'; readonly status: 'needs_reauth' | 'disabled'; readonly reason: string }
  /** Delete every row the connection wrote to the entity tables (a data-erasure request). */
  | { readonly kind: 'erase_connection_data' }
  /** Nothing to do but keep the event and say so in the log (a request the app fulfils). */
  | { readonly kind: 'record'; readonly note: string };

/** What settling a batch did: the events applied, and the rows each erasure deleted (by inbox id). */
export interface SettleOutcome {
  readonly settled: ReadonlySet<string>;
  readonly erasedRows: ReadonlyMap<string, number>;
}

/** A whole-event failure to retry later (the store, or something unexpected, failed). */
export interface EventRetry {
  readonly event: InboxEvent;
  readonly delayMs: number;
  readonly code: string;
  readonly message: string;
}

/** Why an event or a record was dead-lettered; a metric label, so a small closed set. */
export type DeadLetterReason = 'unknown_connector' | 'unknown_connection' | 'invalid_json' | 'records_path' | 'fetch_failed' | 'record' | 'attempts_exhausted';

/** The inbox and the entity tables, as the processor uses them. */
export interface WebhookEventStore {
  /** Claims due events (and expired claims) with a lease; abandoned events out of attempts become dead. */
  claim(request: {
    readonly limit: number;
    readonly leaseMs: number;
    readonly claimedBy: string;
    readonly maxAttempts: number;
  }): Promise<{ readonly events: readonly InboxEvent[]; readonly exhausted: ReadonlyArray<{ readonly id: string; readonly connector: string }> }>;
  /**
   * Applies settlements in one transaction: marks each event, writes processed events' rows
   * through the sync write path (older never overwrites newer), their effects (a stream run
   * queued, a connection marked) and the dead letters. Events no longer claimed by `claimedBy`
   * are skipped whole. Resolves with the ids that were applied.
   */
  settle(claimedBy: string, settlements: readonly EventSettlement[]): Promise<SettleOutcome>;
  /** Schedules retries; events out of attempts become dead with a dead letter. Resolves with those ids. */
  retry(claimedBy: string, retries: readonly EventRetry[], maxAttempts: number): Promise<readonly string[]>;
  /** Natural keys of vendor ids already seen (`kind` is `store` or `product`), for `$store()`/`$product()`. */
  lookupVendorIds(tenant: string, connector: string, kind: string, vendorIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** The outcome of routing an event to a connection. */
export type ConnectionResolution =
  | { readonly ok: true; readonly connection: ConnectionInfo }
  | { readonly ok: false; readonly reason: string };

/** Finds the connection an event belongs to. */
export interface ConnectionDirectory {
  /**
   * `routingKey` is the value of the connector's `route` (a shop domain, a merchant id), or
   * undefined when the connector declares no route: then its only connection. Rejects only when
   * the lookup itself failed (the store is down), which is retried; an unknown key resolves `ok: false`.
   */
  resolve(connector: string, routingKey: string | undefined): Promise<ConnectionResolution>;
}

/** A follow-up request's answer: the parsed body of a 2xx, or the status of anything else. */
export type FetchAnswer = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: number };

/** Sends an event's follow-up request through its connection's HTTP runtime (auth, retries, pace, breaker). */
export interface EventFetcher {
  /**
   * `render` builds the request from the connection's template values. Rejects with a coded
   * error when the connection does not run here or the request could not be made (breaker open,
   * retries spent, a refused token): the event is retried later.
   */
  fetch(connector: string, connection: ConnectionInfo, render: (templateValues: Readonly<Record<string, unknown>>) => OutgoingRequest): Promise<FetchAnswer>;
}

/** Counters and the latency histogram of processing; implemented over prom-client by the daemon. */
export interface WebhookProcessingMetrics {
  /** Events that ended (processed, ignored, dead) or were scheduled for a retry. */
  settled(connector: string, outcome: 'processed' | 'ignored' | 'dead' | 'retry', count: number): void;
  deadLettered(connector: string, reason: DeadLetterReason, count: number): void;
  /** Seconds from the intake's commit (received_at) to the event being processed. */
  observeLatency(seconds: number): void;
}
