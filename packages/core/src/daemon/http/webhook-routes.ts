import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { createComponent } from '../../connector/index.js';
import type { Logger } from '../../log/index.js';
import { createInboxWriter } from '../../persist/index.js';
import type { Project } from '../../project/index.js';
import type { Database } from '../../store/index.js';
import { createWebhookMetrics, registerWebhookIntake, type WebhookIntakeConnector } from '../../webhooks/index.js';

/**
 * The `POST /webhooks/:connector` route of a project: each active connector's compiled webhooks
 * with its verifier created through the registry (plugins may supply their own), the inbox over
 * the store, intake metrics on the daemon's registry, and `onAccepted` after each committed event.
 * @example
 * buildHttpServer({ ..., routes: [webhookIntakeRoutes(project, store.db, log, metrics.registry, () => processor.wake())] });
 */
export function webhookIntakeRoutes(project: Project, db: Database, log: Logger, registry: Registry, onAccepted: () => void): (app: FastifyInstance) => void {
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
  const bodyLimitBytes = project.config.server?.body_limit_bytes;
  const deps = {
    connectors,
    idleConnectors: new Set(project.idleConnectors().map((c) => c.connector)),
    inbox: createInboxWriter(db),
    log: log.child({ component: 'webhooks' }),
    metrics: createWebhookMetrics(registry),
    ...(bodyLimitBytes === undefined ? {} : { bodyLimitBytes }),
    onAccepted,
  };
  return (app) => registerWebhookIntake(app, deps);
}
