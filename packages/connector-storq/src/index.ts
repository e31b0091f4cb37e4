/**
 * @connectd/connector-storq: the connectd plugin for storq.io. It ships the `storq/default` preset
 * (streams, webhooks verified with core's `hmac` under storq's two header names, actions, pacing);
 * see README.md.
 */
import { defineConnector } from '@connectd/core/connector';
import { storqDefaultPreset } from './preset.js';

export { storqDefaultPreset, STORQ_BASE_URL, STORQ_PAGE_SIZE, STORQ_SIGNATURE_HEADERS } from './preset.js';

export default defineConnector({
  meta: {
    namespace: 'storq',
    engine: '^0.1.0',
    // Fields that may carry storq's webhook signing secret; its API key travels as an Authorization
    // bearer, which core already redacts.
    secrets: ['webhook_secret'],
  },
  presets: { default: storqDefaultPreset },
});
