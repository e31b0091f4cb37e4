/**
 * @connectd/connector-storq: the connectd plugin for storq.io. A skeleton for now: it registers the `storq` namespace and
 * the field names to redact; the vendor's components and presets arrive with its own issue.
 */
import { defineConnector } from '@connectd/core/connector';

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
});
