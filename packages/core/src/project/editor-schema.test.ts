import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../json-schema/index.js';
import { editorSchema } from './editor-schema.js';
import { createCoreRegistry } from './registry.js';

const ROOT = join(import.meta.dirname, '../../../..');
const SHIPPED = join(ROOT, 'packages/core/schema/connectors.schema.json');
const generated = editorSchema(createCoreRegistry());

describe('the editor schema (packages/core/schema/connectors.schema.json)', () => {
  it('is the file generated from the config schemas and the built-in components (run `pnpm gen:schema` after changing one)', () => {
    expect(JSON.parse(readFileSync(SHIPPED, 'utf8'))).toEqual(generated);
  });

  it('describes every connector-level key and offers each built-in component with its own options', () => {
    const connector = (generated['properties'] as { connectors: { additionalProperties: { properties: Record<string, { description?: string; title?: string }> } } })
      .connectors.additionalProperties.properties;
    expect(Object.entries(connector).filter(([, p]) => p.description === undefined && p.title === undefined).map(([key]) => key)).toEqual([]);
    const definitions = generated['definitions'] as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(definitions)).toEqual(expect.arrayContaining(['auth', 'auth_oauth2', 'pagination_cursor', 'webhook_verifier_hmac', 'oauth_callback_check']));
    expect(Object.keys(definitions['auth_oauth2']?.properties ?? {})).toEqual(expect.arrayContaining(['type', 'token_url', 'callback_check', 'reauth_errors']));
  });

  it('accepts a complete config using the built-in components, and refuses a misspelt built-in option', () => {
    const validate = createAjv('draft-07', { allErrors: true, strict: false, allowUnionTypes: true }).compile(generated);
    const config = {
      version: 1,
      connectors: {
        shop: {
          base_url: 'https://shop.example.com/api',
          auth: { type: 'oauth2', authorize_url: 'https://shop.example.com/authorize', token_url: 'https://shop.example.com/token', client_id: 'c', client_secret: 's' },
          pagination: { type: 'cursor', path: '$.next', param: 'cursor' },
          streams: { products: { request: { path: '/products' }, records: '$.items', entity: 'product', map: '{ "sku": sku }' } },
          webhooks: { verify: { type: 'hmac', header: 'X-Signature', secret: 'k' }, events: { 'product.updated': { entity: 'product' } } },
        },
      },
    };
    expect(validate(config) ? [] : validate.errors).toEqual([]);
    const typo = { version: 1, connectors: { a: { base_url: 'https://a.test', auth: { type: 'bearer', tokn: 'x' } } } };
    expect(validate(typo)).toBe(false);
  });
});
