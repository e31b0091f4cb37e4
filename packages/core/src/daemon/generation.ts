import { ConnectionAdmin, createEventFetcher } from '../connections/index.js';
import type { FlowRunner } from '../flows/index.js';
import type { JobRepository } from '../jobs/index.js';
import type { Project } from '../project/index.js';
import { createRetentionStore, createStatusStore, createWebhookEventStore } from '../persist/index.js';
import type { DeadLetterReplayer } from '../replay/index.js';
import { RetentionRunner, retentionPolicy, type RetentionMetrics, type RetentionPassReport } from '../retention/index.js';
import { buildStatus, type StatusReport } from '../status/index.js';
import { createJobRepository } from '../store/index.js';
import { InboxProcessor, type WebhookProcessingMetrics } from '../webhooks/index.js';
import type { Base } from './base.js';
import { openEngineParts, type EngineParts } from './core.js';
import { createFlows } from './flows.js';
import type { DaemonMetrics } from './http/metrics.js';
import { webhookIntakeOf, type WebhookIntakeSetup } from './http/webhook-routes.js';
import { createOutbound, type Outbound } from './outbound.js';

/** Metrics a generation records on: created once per process, handed to each generation. */
export interface GenerationMetrics {
  readonly daemon: DaemonMetrics;
  readonly processing: WebhookProcessingMetrics;
  readonly retention: RetentionMetrics;
}

export interface GenerationOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  readonly metrics: GenerationMetrics;
}

/**
 * Everything `connectd run` builds from one loaded config: the engine parts (OAuth, connections,
 * worker, scheduler), webhook processing, outbound events, flows, retention, and what the routes
 * read per request (intake connectors, admin, replay, actions, status).
 */
export interface Generation extends EngineParts {
  readonly processor: InboxProcessor;
  readonly replay: DeadLetterReplayer;
  readonly admin: ConnectionAdmin;
  readonly jobs: JobRepository;
  readonly outbound: Outbound;
  readonly flows: FlowRunner;
  readonly intake: WebhookIntakeSetup;
  status(): Promise<StatusReport>;
  /** A retention pass now, as the timer runs them (undefined when one is running). */
  retentionPass(): Promise<RetentionPassReport | undefined>;
  /** Starts the background work: schedules, worker, processor, outbound, flows, OAuth sweep, retention. */
  start(): Promise<void>;
  /** Stops the background work gracefully (running work gets `deadlineMs`), then the engine parts. */
  stop(deadlineMs: number): Promise<void>;
}

/** Warnings about what of the project cannot run yet; logged with each config loaded. */
function warnIdle(base: Base, project: Project): void {
  const { log } = base;
  for (const idle of project.idleConnectors()) {
    log.warn({ connector: idle.connector, missing: project.missingVariables(idle.connector) }, 'connector is idle: its environment variables are not set');
  }
  if (base.vault === undefined && project.activeConnectors().some((name) => project.oauth2(name) !== undefined)) {
    log.warn('CONNECTD_SECRET_KEY is not set: OAuth connections cannot store or use tokens until it is (openssl rand -base64 32)');
  }
}

/** Processing of the inbox with this config's webhooks; its effects wake or reconcile this generation's engine. */
function inboxProcessor(base: Base, parts: EngineParts, metrics: WebhookProcessingMetrics): InboxProcessor {
  const { log, settings } = base;
  const { engine, project } = parts;
  return new InboxProcessor({
    store: createWebhookEventStore(base.store.db, parts.writer),
    directory: parts.directory,
    connectors: project.activeWebhooks(),
    catalog: project.catalog,
    fetcher: createEventFetcher(engine.runtimes),
    onEffect: (connectionId, effect) => {
      if (effect.kind === 'run_stream') {
        engine.worker.wake();
        return;
      }
      // Rebuilds the marked connection's runtime from its row: its new token provider sees the status.
      engine.lifecycle.reconcile().catch((err: unknown) => log.warn({ err, connection: connectionId }, 'could not reload the marked connection; the next reconcile will'));
    },
    log,
    metrics,
    leaseMs: settings.jobLeaseMs,
    pollIntervalMs: settings.workerPollMs,
  });
}

/**
 * Builds a generation over the base; nothing in it runs until `start()`. On failure, what was
 * built is stopped again and the base is untouched, so a refused reload leaves the running
 * generation as it was.
 * @example
 * const generation = await buildGeneration(base, project, { env, version, metrics });
 * await generation.start(); ... await generation.stop(10_000);
 */
export async function buildGeneration(base: Base, project: Project, options: GenerationOptions): Promise<Generation> {
  base.addSecretsOf(project);
  warnIdle(base, project);
  const { log, store, settings } = base;
  const parts = await openEngineParts(base, project);
  try {
    const { engine } = parts;
    const processor = inboxProcessor(base, parts, options.metrics.processing);
    const replay = parts.replayer((what) => (what === 'webhook' ? processor.wake() : engine.worker.wake()));
    const admin = new ConnectionAdmin({
      project,
      store: parts.connections,
      lifecycle: engine.lifecycle,
      runtimes: engine.runtimes,
      vault: base.vault?.vault,
      log: log.child({ component: 'connections' }),
      revokeCredentials: (connection) => parts.oauth.revoke(connection.connector, connection),
    });
    const outbound = createOutbound({ project, db: store.db, log, secrets: base.secrets, env: options.env, pollIntervalMs: settings.workerPollMs });
    const flows = createFlows({ project, db: store.db, engine, log, pollIntervalMs: settings.workerPollMs });
    const retention = new RetentionRunner({
      store: createRetentionStore(store.db),
      policy: retentionPolicy(project.config.server?.retention),
      log: log.child({ component: 'retention' }),
      metrics: options.metrics.retention,
    });
    const intake = webhookIntakeOf(project, log);
    const statusStore = createStatusStore(store);
    return {
      ...parts,
      processor,
      replay,
      admin,
      jobs: createJobRepository(store.db),
      outbound,
      flows,
      intake,
      status: async () => ({
        ...(await buildStatus(project, statusStore, options.version, { runtimes: engine.runtimes, nextRun: (c, s) => engine.scheduler.nextRun(c, s) })),
        destinations: await outbound.status(),
      }),
      retentionPass: () => retention.runOnce(),
      async start() {
        const { connectors } = options.metrics.daemon;
        connectors.set({ state: 'idle' }, project.idleConnectors().length);
        connectors.set({ state: 'active' }, project.activeConnectors().length);
        engine.startBackground();
        processor.start();
        outbound.worker.start();
        await flows.start();
        parts.oauth.startSweep();
        retention.start();
      },
      async stop(deadlineMs) {
        // A retention pass ends after its batch, the processor finishes its batch, flows and
        // outbound stop, then the engine lets running jobs finish and aborts vendor calls.
        await retention.stop();
        await processor.stop({ deadlineMs });
        await flows.stop();
        await outbound.worker.stop();
        await parts.stop(deadlineMs);
      },
    };
  } catch (err) {
    await parts.stop(0).catch(() => undefined);
    throw err;
  }
}
