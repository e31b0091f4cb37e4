/**
 * @connectd/connector-shopify: the connectd plugin for Shopify. A skeleton for now: it registers the `shopify` namespace and
 * the field names to redact; the vendor's components and presets arrive with its own issue.
 */
import { defineConnector } from '@connectd/core/connector';

export default defineConnector({
  meta: {
    name: '@connectd/connector-shopify',
    version: '0.1.0',
    namespace: 'shopify',
    engine: '^0.1.0',
    // Shopify sends the Admin API token in this header, not in Authorization.
    secrets: ['x-shopify-access-token'],
  },
});
