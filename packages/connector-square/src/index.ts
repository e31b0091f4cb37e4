/**
 * @connectd/connector-square: the connectd plugin for Square. A skeleton for now: it registers the `square` namespace and
 * the field names to redact; the vendor's components and presets arrive with its own issue.
 */
import { defineConnector } from '@connectd/core/connector';

export default defineConnector({
  meta: {
    name: '@connectd/connector-square',
    version: '0.1.0',
    namespace: 'square',
    engine: '^0.1.0',
    // Square's webhook signature key and application secret, if a log line ever carries them as fields.
    secrets: ['signature_key', 'application_secret'],
  },
});
