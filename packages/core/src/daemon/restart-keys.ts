import type { Project } from '../project/index.js';

/** `server` keys fixed when the server is built: its address, its public URL (OAuth redirects), the intake's body limit. */
const SERVER_KEYS = ['port', 'host', 'public_url', 'body_limit_bytes'] as const;

/**
 * The keys whose change a running daemon cannot apply without a restart, as YAML paths: the
 * `server` keys above, and a connector's webhook `path` (routes are registered once) or a raised
 * webhook `body_limit_bytes` (the routes' body limits are too). The daemon keeps their old values
 * and logs these keys; everything else of the new config applies.
 * @example
 * restartOnlyChanges(running, next); // ['server.port', 'connectors.shop.webhooks.path']
 */
export function restartOnlyChanges(before: Project, after: Project): string[] {
  const changed: string[] = [];
  for (const key of SERVER_KEYS) {
    if (before.config.server?.[key] !== after.config.server?.[key]) changed.push(`server.${key}`);
  }
  const old = before.activeWebhooks();
  for (const [name, webhooks] of after.activeWebhooks()) {
    const was = old.get(name);
    if (webhooks.path !== was?.path) changed.push(`connectors.${name}.webhooks.path`);
    if (was !== undefined && (webhooks.bodyLimitBytes ?? 0) > (was.bodyLimitBytes ?? 0)) changed.push(`connectors.${name}.webhooks.body_limit_bytes`);
  }
  return changed;
}
