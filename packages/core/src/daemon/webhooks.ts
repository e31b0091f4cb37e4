import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createLogger, SecretValues, type Logger } from '../log/index.js';
import { createInboxIntake, openStore, upsertDeclaredConnection, type Store } from '../store/index.js';
import type { WebhookVerifierRuntime } from '../connector/index.js';
import { createComponent } from './components.js';
import {
  createWebhookMetrics,
  InboxProcessor,
  intakeConnectorsFromConfig,
  registerWebhookIntake,
  type CompiledWebhooks,
  type WebhookDeclaration,
  type WebhookProcessingMetrics,
  type WebhookRetryPolicy,
} from '../webhooks/index.js';
import { declaredConnections } from './connection-runtimes.js';
import { DeadLetterReplayer, type ReplaySelection, type ReplaySummary } from './dead-letter-replay.js';
import { createEntityWriter } from './entity-writer.js';
import { loadProject, type Project } from './project.js';
import { replayRoute } from './replay-routes.js';
import type { DaemonSettings } from './settings.js';
import { createConnectionDirectory, createWebhookEventStore } from './webhook-store.js';

/** Buckets of the processing latency (intake commit → processed), in seconds. */
export const PROCESSING_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Tuning of the inbox processor; every field has a default in webhooks/process. */
export interface WebhookProcessingOptions {
  readonly batchSize?: number | undefined;
  readonly leaseMs?: number | undefined;
  readonly pollIntervalMs?: number | undefined;
  readonly maxAttempts?: number | undefined;
  readonly retry?: Partial<WebhookRetryPolicy> | undefined;
  /** Called after a replay put dead jobs back in the queue (wake the job worker). */
  readonly onJobsRequeued?: (() => void) | undefined;
}

/** Webhook processing and dead-letter replay, composed for the daemon. */
export interface WebhookProcessing {
  /** Start it after the server listens; stop it before the store closes. The intake calls `wake()` after each commit. */
  readonly processor: InboxProcessor;
  readonly replayer: DeadLetterReplayer;
  /** For `buildHttpServer({ apiRoutes: [...] })`: `POST /api/dead-letters/replay`. */
  readonly replayRoute: (api: FastifyInstance) => void;
  /** The compiled webhook processing by connector key. */
  readonly connectors: ReadonlyMap<string, CompiledWebhooks>;
}

/** The `webhooks:` blocks of the active connectors. */
export function webhookDeclarations(project: Project): Record<string, WebhookDeclaration> {
  const idle = new Set(project.idleConnectors.map((c) => c.connector));
  const declarations: Record<string, WebhookDeclaration> = {};
  for (const [name, connector] of Object.entries(project.config.connectors)) {
    if (connector.webhooks !== undefined && !idle.has(name)) declarations[name] = connector.webhooks;
  }
  return declarations;
}

/**
 * Builds webhook processing for a project: compiles every webhook mapping once, records the
 * declared connections webhooks route to, and wires the inbox processor, its metrics (when a
 * prom-client registry is given) and the dead-letter replayer over the store.
 * @example
 * const webhooks = await createWebhookProcessing(project, store, log, metrics.registry);
 * const server = buildHttpServer({ ..., apiRoutes: [webhooks.replayRoute] });
 * webhooks.processor.start();
 * // on shutdown, before store.close():
 * await webhooks.processor.stop({ deadlineMs: settings.shutdownDeadlineMs });
 */
export async function createWebhookProcessing(
  project: Project,
  store: Store,
  log: Logger,
  registry?: Registry,
  options: WebhookProcessingOptions = {},
): Promise<WebhookProcessing> {
  const declarations = webhookDeclarations(project);
  // Compiled once by loadProject (which reports compile errors as config errors); idle connectors stay out.
  const connectors = new Map([...project.webhooks].filter(([name]) => declarations[name] !== undefined));
  // Settling an event records its connection on the inbox row (a foreign key): make sure the
  // declared connections exist, as the engine does for the ones it runs.
  for (const name of Object.keys(declarations)) {
    for (const connection of declaredConnections(name, project.config.connectors[name]!)) {
      await upsertDeclaredConnection(store.db, { id: connection.id, connector: name, tenantId: connection.tenant });
    }
  }
  const writer = createEntityWriter(project.catalog, project.customTables);
  const directory = createConnectionDirectory(project, store.db);
  const processor = new InboxProcessor({
    store: createWebhookEventStore(store.db, writer),
    directory,
    connectors,
    catalog: project.catalog,
    log,
    metrics: registry === undefined ? undefined : createProcessingMetrics(registry),
    batchSize: options.batchSize,
    leaseMs: options.leaseMs,
    pollIntervalMs: options.pollIntervalMs,
    maxAttempts: options.maxAttempts,
    retry: options.retry,
  });
  const replayer = new DeadLetterReplayer({
    db: store.db,
    catalog: project.catalog,
    webhooks: connectors,
    streams: project.streams,
    directory,
    writer,
    log: log.child({ component: 'replay' }),
    onRequeued: (what) => (what === 'webhook' ? processor.wake() : options.onJobsRequeued?.()),
  });
  return { processor, replayer, replayRoute: replayRoute(replayer), connectors };
}

/**
 * Processing metrics on the daemon's registry: `connectd_webhooks_processed_total{connector,outcome}`
 * (processed, ignored, dead, retry), `connectd_webhooks_dead_lettered_total{connector,reason}` and
 * the histogram `connectd_webhook_processing_duration_seconds` (intake commit → processed).
 * @example
 * const metrics = createProcessingMetrics(daemonMetrics.registry);
 */
export function createProcessingMetrics(registry: Registry): WebhookProcessingMetrics {
  const processed = new Counter({
    name: 'connectd_webhooks_processed_total',
    help: 'Webhook events that left processing, by connector and outcome (processed, ignored, dead, retry)',
    labelNames: ['connector', 'outcome'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'connectd_webhooks_dead_lettered_total',
    help: 'Webhook events or records dead-lettered by processing, by connector and reason',
    labelNames: ['connector', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'connectd_webhook_processing_duration_seconds',
    help: 'Time from a webhook being committed to the inbox to its event being processed',
    buckets: [...PROCESSING_LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return {
    settled: (connector, outcome, count) => processed.inc({ connector, outcome }, count),
    deadLettered: (connector, reason, count) => deadLettered.inc({ connector, reason }, count),
    observeLatency: (seconds) => latency.observe(seconds),
  };
}

/** What `connectd replay` needs. */
export interface ReplayOnceOptions {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DaemonSettings;
  readonly selection: ReplaySelection;
}

/**
 * `connectd replay`: opens the store, replays the selected dead letters with the current config,
 * and closes. Webhook events go back to the inbox for the running daemon to process; records are
 * written here. On the embedded store the daemon must be stopped (it holds the data folder); use
 * `POST /api/dead-letters/replay` against a running daemon instead.
 * @example
 * const summary = await replayOnce({ configPath, env: process.env, settings: readSettings(process.env), selection: { all: true } });
 */
export async function replayOnce(options: ReplayOnceOptions): Promise<ReplaySummary> {
  const project = await loadProject(options.configPath, options.env);
  const secrets = new SecretValues();
  for (const value of project.secretValues) secrets.add(value);
  const log = createLogger({ level: options.settings.logLevel === 'info' ? 'warn' : options.settings.logLevel, secrets });
  const store = await openStore({ databaseUrl: options.settings.databaseUrl, dataDir: options.settings.dataDir, log: log.child({ component: 'store' }) });
  try {
    await store.migrate();
    const { replayer } = await createWebhookProcessing(project, store, log);
    return await replayer.replay(options.selection);
  } finally {
    await store.close();
  }
}

/**
 * The `POST /webhooks/:connector` route of a project: each active connector's verifier created
 * through the registry (plugins may supply their own), intake metrics on the daemon's registry, and
 * `onAccepted` called after each committed event (wakes the inbox processor).
 * @example
 * buildHttpServer({ ..., routes: [webhookIntakeRoute(project, store, log, metrics.registry, () => processor.wake())] });
 */
export function webhookIntakeRoute(
  project: Project,
  store: Store,
  log: Logger,
  registry: Registry,
  onAccepted: () => void,
): (app: FastifyInstance) => void {
  const idle = new Set(project.idleConnectors.map((c) => c.connector));
  const signal = new AbortController().signal;
  const connectors = intakeConnectorsFromConfig(project.config.connectors, {
    idle,
    createVerifier: (name, verify) =>
      createComponent<WebhookVerifierRuntime>(project.registry, 'webhookVerifiers', verify, { log: log.child({ connector: name }), signal, values: {} }),
  });
  const inbox = createInboxIntake(store.db);
  const metrics = createWebhookMetrics(registry);
  const bodyLimitBytes = project.config.server?.body_limit_bytes;
  return (app) =>
    registerWebhookIntake(app, {
      connectors,
      idleConnectors: idle,
      inbox,
      log: log.child({ component: 'webhooks' }),
      metrics,
      ...(bodyLimitBytes === undefined ? {} : { bodyLimitBytes }),
      onAccepted,
    });
}
