import type { ComponentSlot } from '../connector/index.js';

/**
 * Component type ids core provides itself, per slot. The JSON Schema validates their options;
 * catalog schemas are used for every other (plugin, `namespace/name`) id. The composition root can
 * build its catalog from this list until built-ins are registered as real components.
 * @example
 * BUILTIN_COMPONENT_IDS.paginators.includes('cursor'); // true
 */
export const BUILTIN_COMPONENT_IDS: Readonly<Record<ComponentSlot, readonly string[]>> = {
  auth: ['api_key', 'bearer', 'basic', 'oauth2'],
  paginators: ['none', 'link_header', 'cursor', 'offset', 'page'],
  webhookVerifiers: ['hmac'],
  errorClassifiers: [],
  rateLimitAdapters: [],
  oauthCallbackChecks: [],
};

/** The canonical entities every config may map onto (DESIGN.md section 4). */
export const BUILTIN_ENTITY_NAMES: readonly string[] = ['store', 'product', 'inventory_level', 'transaction', 'order'];

/** How each slot is named in messages. */
export const SLOT_LABELS: Readonly<Record<ComponentSlot, string>> = {
  auth: 'auth',
  paginators: 'pagination',
  webhookVerifiers: 'webhook verifier',
  errorClassifiers: 'error classifier',
  rateLimitAdapters: 'rate-limit adapter',
  oauthCallbackChecks: 'OAuth callback check',
};
