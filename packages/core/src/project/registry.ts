import { BUILTIN_AUTH } from '../auth/index.js';
import { createComponentRegistry, type ComponentRegistry, type LoadedPlugin } from '../connector/index.js';
import { BUILTIN_PAGINATORS } from '../pagination/index.js';
import { BUILTIN_WEBHOOK_VERIFIERS } from '../webhooks/index.js';

/**
 * The registry of a project: core's built-in components (registered like any plugin's, and
 * validated by their own schemas) and those of the loaded plugins.
 * @example
 * const registry = createCoreRegistry(await loadPlugins(config.plugins, options));
 */
export function createCoreRegistry(plugins: readonly LoadedPlugin[] = []): ComponentRegistry {
  return createComponentRegistry({ auth: BUILTIN_AUTH, paginators: BUILTIN_PAGINATORS, webhookVerifiers: BUILTIN_WEBHOOK_VERIFIERS }, plugins);
}
