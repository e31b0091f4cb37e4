import type { WebhookVerifierRuntime } from '../../connector/index.js';
import type { WebhookIntakeConnector } from './types.js';

/**
 * The `webhooks:` block of a connector as connectors.yaml declares it (snake_case as in YAML).
 * Declared here structurally because webhooks/ does not import config/; config's
 * `WebhooksConfig` fits it.
 */
export interface WebhooksDeclaration {
  readonly path?: string;
  readonly body_limit_bytes?: number;
  /** `type` plus the verifier's options. */
  readonly verify: { readonly type: string };
  readonly event_id?: string;
  readonly event_type?: string;
  readonly route?: string;
  readonly events: Readonly<Record<string, unknown>>;
}

/**
 * Builds the intake's connector map from the config: every connector that declares webhooks and
 * is not idle, with its verifier created once through `createVerifier` (the registry lookup and
 * plugin wrapping stay in the composition root).
 * @example
 * const connectors = intakeConnectorsFromConfig(project.config.connectors, {
 *   idle: new Set(project.idleConnectors.map((c) => c.connector)),
 *   createVerifier: (name, verify) => createComponent(project.registry, 'webhookVerifiers', verify, { log, signal, values: {} }),
 * });
 */
export function intakeConnectorsFromConfig(
  connectors: Readonly<Record<string, { readonly webhooks?: WebhooksDeclaration | undefined }>>,
  options: {
    readonly idle?: ReadonlySet<string>;
    readonly createVerifier: (connector: string, verify: WebhooksDeclaration['verify']) => WebhookVerifierRuntime;
  },
): Map<string, WebhookIntakeConnector> {
  const intake = new Map<string, WebhookIntakeConnector>();
  for (const [name, connector] of Object.entries(connectors)) {
    const hooks = connector.webhooks;
    if (hooks === undefined || options.idle?.has(name) === true) continue;
    intake.set(name, {
      verifier: options.createVerifier(name, hooks.verify),
      eventId: hooks.event_id,
      eventType: hooks.event_type,
      route: hooks.route,
      bodyLimitBytes: hooks.body_limit_bytes,
      path: hooks.path,
      eventTypes: new Set(Object.keys(hooks.events)),
    });
  }
  return intake;
}
