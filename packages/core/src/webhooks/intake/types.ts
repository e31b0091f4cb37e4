/**
 * The interfaces webhook intake consumes. They are defined here, by the consumer, and implemented
 * elsewhere: the inbox by persist/ over the store, the metrics by `createWebhookMetrics`
 * (prom-client) or anything else with the same shape.
 */
import type { WebhookVerifierRuntime } from '../../connector/index.js';
import type { DeliveryKeys } from '../keys.js';
import type { Logger } from '../../log/index.js';
import type { GroupCommitOptions } from './group-commit.js';

/** One connector's intake, prepared once by the daemon (verifier created through the registry). */
export interface WebhookIntakeConnector {
  /** The connector's verifier runtime (`webhooks.verify`), created once. */
  readonly verifier: WebhookVerifierRuntime;
  /** Dedupe key (absent: sha256 of the raw body), event type and routing key, compiled once. */
  readonly keys: DeliveryKeys;
  /** Largest body accepted (`webhooks.body_limit_bytes`); default: the global limit. */
  readonly bodyLimitBytes?: number | undefined;
  /** Extra route besides `/webhooks/<connector>` (`webhooks.path`). */
  readonly path?: string | undefined;
  /**
   * Event types the connector maps (`webhooks.events` keys). When given, a delivery whose type is
   * known and not listed is stored as `ignored`: acknowledged, deduplicated, never processed.
   */
  readonly eventTypes?: ReadonlySet<string> | undefined;
  /** More headers to keep with the inbox row (lower or any case); auth, cookie and signature headers are never kept. */
  readonly keepHeaders?: readonly string[] | undefined;
}

/** A verified delivery, as the intake hands it to the inbox. */
export interface InboxRow {
  /** The connector's YAML key. */
  readonly connector: string;
  readonly dedupeKey: string;
  readonly eventType: string | null;
  readonly routingKey: string | null;
  /** The kept headers (never credentials or signatures). */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  /** `ignored` for a type the connector does not map (acknowledged, never processed); default `received`. */
  readonly status?: 'received' | 'ignored';
}

/** Per row, in input order: the stored row's id, or a duplicate of a row stored before. */
export type InboxOutcome = { readonly duplicate: false; readonly id: string } | { readonly duplicate: true };

/** Where verified deliveries go. Implemented over the store by `createInboxWriter(db)` in persist/. */
export interface InboxWriter {
  /**
   * Inserts the rows in one statement and resolves once they are COMMITTED, one outcome per row
   * in input order. Called by the group committer with the rows of concurrent requests.
   */
  insert(rows: readonly InboxRow[]): Promise<readonly InboxOutcome[]>;
  /** Keeps a verified body that is not JSON as a dead letter (source `webhook`). */
  keepUnparsable(letter: { connector: string; rawBody: Buffer; errorCode: string; reason: string }): Promise<void>;
}

/** Why a delivery was refused; the `reason` label of `connectd_webhooks_rejected_total`. */
export type WebhookRejection =
  | 'missing'
  | 'mismatch'
  | 'stale'
  | 'no_secret'
  | 'too_large'
  | 'unknown_connector'
  | 'bad_json'
  | 'method'
  | 'bad_request'
  | 'unavailable';

/**
 * Intake counters and the latency histogram, per connector. Deliveries for unconfigured names are
 * counted under {@link UNKNOWN_CONNECTOR_LABEL} so a client cannot grow the label set.
 */
export interface WebhookMetrics {
  received(connector: string): void;
  verified(connector: string): void;
  rejected(connector: string, reason: WebhookRejection): void;
  duplicate(connector: string): void;
  accepted(connector: string): void;
  /** Time from the request's arrival to the answer, in seconds. */
  intakeSeconds(connector: string, seconds: number): void;
}

/** Connector label of requests for names that are not configured. */
export const UNKNOWN_CONNECTOR_LABEL = '_unknown';

/** What `registerWebhookIntake` needs; the daemon builds it. */
export interface WebhookIntakeDeps {
  /**
   * Active connectors with webhooks, by YAML key. Read on every request (a getter may hand in a
   * reloaded config's map); extra `path`s and body limits are the ones registered.
   */
  readonly connectors: ReadonlyMap<string, WebhookIntakeConnector>;
  /** Connectors that are configured but idle (missing env): answered 404 like unknown ones, logged differently. Read on every request. */
  readonly idleConnectors?: ReadonlySet<string>;
  readonly inbox: InboxWriter;
  readonly log: Logger;
  readonly metrics: WebhookMetrics;
  /** Global body limit (`server.body_limit_bytes`); default {@link DEFAULT_WEBHOOK_BODY_LIMIT_BYTES}. */
  readonly bodyLimitBytes?: number;
  /** Called after a new row is committed (not for duplicates), to wake the processing worker. */
  readonly onAccepted?: (connector: string) => void;
  /** Tuning of the inbox group commit. */
  readonly groupCommit?: Partial<GroupCommitOptions>;
}

/** Default largest webhook body: 1 MiB. */
export const DEFAULT_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
