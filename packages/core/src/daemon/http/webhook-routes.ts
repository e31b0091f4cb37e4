import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { createComponent } from '../../connector/index.js';
import type { Logger } from '../../log/index.js';
import { createInboxWriter } from '../../persist/index.js';
import type { Project } from '../../project/index.js';
import type { Database } from '../../store/index.js';
import { createWebhookMetrics, registerWebhookIntake, type WebhookIntakeConnector } from '../../webhooks/index.js';

/** What the intake needs of one config: its active connectors' webhooks with their verifiers, and the idle ones. */
export interface WebhookIntakeSetup {
  readonly connectors: ReadonlyMap<string, WebhookIntakeConnector>;
  readonly idleConnectors: ReadonlySet<string>;
}

/**
 * Each active connector's compiled webhooks with its verifier created through the registry
 * (plugins may supply their own). Built with each loaded config.
 * @example
 * const intake = webhookIntakeOf(project, log);
 */
export function webhookIntakeOf(project: Project, log: Logger): WebhookIntakeSetup {
  // Verifiers hold no connection and no timer: nothing to abort on shutdown.
  const signal = new AbortController().signal;
  const connectors = new Map<string, WebhookIntakeConnector>();
  for (const [name, webhooks] of project.activeWebhooks()) {
    connectors.set(name, {
      verifier: createComponent(project.registry, 'webhookVerifiers', webhooks.verify, { log: log.child({ connector: name }), signal }),
      keys: webhooks.keys,
      bodyLimitBytes: webhooks.bodyLimitBytes,
      path: webhooks.path,
      eventTypes: new Set(webhooks.events.keys()),
    });
  }
  return { connectors, idleConnectors: new Set(project.idleConnectors().map((c) => c.connector)) };
}

export interface WebhookIntakeRouteOptions {
  readonly db: Database;
  readonly log: Logger;
  readonly registry: Registry;
  /** `server.body_limit_bytes` of the config the server was built with. */
  readonly bodyLimitBytes?: number | undefined;
  /** After each committed event (wakes the processor). */
  onAccepted(): void;
}

/**
 * The `POST /webhooks/:connector` route: the connectors of `current()` (read per request, so a
 * reloaded config's connectors and verifiers apply from the next request on), the inbox over the
 * store, intake metrics on the daemon's registry, and `onAccepted` after each committed event.
 * Extra paths and body limits are the ones of the setup current when it is registered.
 * @example
 * buildHttpServer({ ..., routes: [webhookIntakeRoutes(() => live.current.intake, { db, log, registry, onAccepted: () => live.current.processor.wake() })] });
 */
export function webhookIntakeRoutes(current: () => WebhookIntakeSetup, options: WebhookIntakeRouteOptions): (app: FastifyInstance) => void {
  const { bodyLimitBytes } = options;
  const deps = {
    get connectors() {
      return current().connectors;
    },
    get idleConnectors() {
      return current().idleConnectors;
    },
    inbox: createInboxWriter(options.db),
    log: options.log.child({ component: 'webhooks' }),
    metrics: createWebhookMetrics(options.registry),
    ...(bodyLimitBytes === undefined ? {} : { bodyLimitBytes }),
    onAccepted: () => options.onAccepted(),
  };
  return (app) => registerWebhookIntake(app, deps);
}
