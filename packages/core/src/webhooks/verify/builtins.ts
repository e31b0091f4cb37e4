import type { ConnectorSlots } from '../../connector/index.js';
import { hmacVerifier } from './hmac.js';

/**
 * Core's webhook verifiers under their bare ids, in the same slot shape plugins fill. The
 * composition root passes them to `createComponentRegistry` as built-ins.
 * @example
 * const registry = createComponentRegistry({ auth: BUILTIN_AUTH, webhookVerifiers: BUILTIN_WEBHOOK_VERIFIERS }, plugins);
 * const verifier = registry.get('webhookVerifiers', 'hmac')!.definition.create(options as never, ctx);
 */
export const BUILTIN_WEBHOOK_VERIFIERS: NonNullable<ConnectorSlots['webhookVerifiers']> = {
  hmac: hmacVerifier as NonNullable<ConnectorSlots['webhookVerifiers']>[string],
};
