import type { Logger } from '../../../log/index.js';
import type { ReplaySummary } from '../../../replay/index.js';
import type { StatusReport } from '../../../status/index.js';
import type { DeadLetter, SyncRun } from '../../../store/index.js';
import type { ConnectionTraffic, OpsSample } from '../../ops-sampler.js';

/** The status model as the page reads it (with the config block the daemon adds when it has one). */
export type OpsStatus = StatusReport;

/** A connector's declared `rate_limit`, as the page shows it. */
export interface DeclaredRateLimit {
  readonly rate?: string | undefined;
  readonly burst?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly adapter?: unknown;
}

/**
 * What the operations page reads and does, as plain functions: the composition root points them
 * at the config and store it runs now (and again after a reload), so the page holds no project.
 */
export interface OperationsPageDeps {
  /** The admin token: the login compares with it and the session and CSRF keys derive from it. Unset: the page is disabled. */
  readonly adminToken: string | undefined;
  /** The daemon's public URL: an https one marks the cookie `Secure`; its origin is accepted for forms. */
  readonly publicUrl?: string | undefined;
  readonly log: Logger;
  status(): Promise<OpsStatus>;
  /** Open dead letters, oldest first. */
  deadLetters(filter: { readonly connectionId?: string; readonly stream?: string; readonly limit: number }): Promise<readonly DeadLetter[]>;
  /** Replays the letters by id through the daemon's `DeadLetterReplayer`. */
  replay(ids: readonly string[]): Promise<ReplaySummary>;
  /** A fresh connect session for the connection (its tenant re-consents through it). */
  connectLink(connection: { readonly connector: string; readonly id: string; readonly tenant: string }): Promise<{ readonly url: string; readonly expiresAt: Date }>;
  /** A stored payload as text a person may see: secret-named fields censored, known secret values scrubbed. */
  redactPayload(payload: unknown): string;
  /** The last succeeded run per stream of these connections. */
  streamSuccesses(connectionIds: readonly string[]): Promise<readonly SyncRun[]>;
  /** A stream's cron, if it is scheduled. */
  schedule(connector: string, stream: string): string | undefined;
  /** A connector's declared rate limit, if any. */
  rateLimit(connector: string): DeclaredRateLimit | undefined;
  /** The sampler's last hour, and vendor traffic per `connector:connection`. */
  samples(): readonly OpsSample[];
  traffic(): ReadonlyMap<string, ConnectionTraffic>;
  /** Epoch ms; default `Date.now`. */
  now?(): number;
}
