import type { ConnectorSlots } from '../connector/index.js';
import { apiKeyAuth } from './strategies/api-key.js';
import { basicAuth } from './strategies/basic.js';
import { bearerAuth } from './strategies/bearer.js';
import { oauth2Auth } from './strategies/oauth2.js';

/**
 * Core's auth strategies under their bare ids, in the same slot shape plugins fill. The
 * composition root passes them to `createComponentRegistry` as built-ins.
 * @example
 * const registry = createComponentRegistry({ auth: BUILTIN_AUTH, paginators: BUILTIN_PAGINATORS }, plugins);
 * const auth = registry.get('auth', 'bearer')!.definition.create(options as never, ctx);
 */
export const BUILTIN_AUTH: NonNullable<ConnectorSlots['auth']> = {
  api_key: apiKeyAuth,
  bearer: bearerAuth,
  basic: basicAuth,
  oauth2: oauth2Auth,
};
