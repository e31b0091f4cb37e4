/**
 * @connectd/connector-storq: the connectd plugin for storq.io. It ships the `storq/default` preset
 * (streams, webhooks, actions, pacing) and the `storq/signature` webhook verifier; see README.md.
 */
import { defineConnector } from '@connectd/core/connector';
import { storqDefaultPreset } from './preset.js';
import { storqSignature } from './signature.js';

export { storqDefaultPreset, STORQ_BASE_URL, STORQ_PAGE_SIZE } from './preset.js';
export { storqSignature, STORQ_SIGNATURE_HEADERS } from './signature.js';
export type { StorqSignatureOptions } from './signature.js';

export default defineConnector({
  meta: {
    name: '@connectd/connector-storq',
    version: '0.1.0',
    namespace: 'storq',
    engine: '^0.1.0',
    // Fields that may carry storq's webhook signing secret; its API key travels as an Authorization
    // bearer, which core already redacts.
    secrets: ['webhook_secret'],
  },
  presets: { default: storqDefaultPreset },
  webhookVerifiers: { signature: storqSignature },
});
