// Type-level checks run under `tsc -p tsconfig.spec.json` (the typecheck script): each
// `@ts-expect-error` fails the build if the error it expects disappears, so a preset type that
// stopped catching misspelt keys is caught. The runtime assertions run under vitest.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkPluginShape, type ConnectorPreset } from '../connector/index.js';
import { definePreset } from './define-preset.js';
import type { ConnectorConfig, PresetAction, PresetConfig, PresetStream, PresetWebhooks } from './types.js';

const stock = {
  description: 'Stock levels',
  request: { method: 'GET', path: '/stock', query: { limit: 100 } },
  records: '$.stock',
  pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
  entity: 'inventory_level',
  map: '{ "sku": sku, "quantity": quantity }',
} satisfies PresetStream;

const preset = definePreset({
  description: 'acme stock and orders',
  config: {
    base_url: 'https://api.acme.test/v1',
    auth: { type: 'bearer' },
    rate_limit: { rate: '10/s', burst: 20 },
    streams: { stock },
    webhooks: { verify: { type: 'hmac', header: ['Acme-Signature', 'X-Acme-Signature'] }, events: { 'stock.updated': { entity: 'inventory_level' } } },
    actions: { create_order: { request: { method: 'POST', path: '/orders' }, idempotency: { key: 'external_id', header: 'Idempotency-Key' } } },
  },
});

describe('definePreset', () => {
  it('returns the preset as given, a valid plugin slot value', () => {
    expect(preset.config.streams?.['stock']).toBe(stock);
    expect(checkPluginShape({ meta: { namespace: 'acme', engine: '^0.1.0' }, presets: { default: preset } })).toEqual([]);
    expectTypeOf(preset).toMatchTypeOf<ConnectorPreset>();
    expectTypeOf(preset.config).toEqualTypeOf<PresetConfig>();
  });

  it('types a preset as a connector block without extends, every key optional, and the loader agrees', () => {
    expectTypeOf<keyof PresetConfig>().toEqualTypeOf<Exclude<keyof ConnectorConfig, 'extends'>>();
    expect(definePreset({ description: 'empty', config: {} }).config).toEqual({});
    // @ts-expect-error: presets do not chain
    const chained = definePreset({ description: 'chained', config: { extends: 'acme/base' } });
    // A plain-JS plugin skips the types: the loader refuses it instead.
    expect(checkPluginShape({ meta: { namespace: 'acme', engine: '^0.1.0' }, presets: { chained } })).toEqual([
      'presets.chained.config.extends: a preset cannot extend other presets; merge their keys into it',
    ]);
  });

  it('fails to compile on a misspelt key at every depth', () => {
    const misspelt = [
      // @ts-expect-error: top level (base_url)
      definePreset({ description: 'top', config: { baseurl: 'https://api.acme.test' } }),
      // @ts-expect-error: in a stream (schedule)
      definePreset({ description: 'stream', config: { streams: { stock: { ...stock, shedule: '* * * * *' } } } }),
      // @ts-expect-error: in a stream's request (query)
      definePreset({ description: 'request', config: { streams: { stock: { ...stock, request: { path: '/stock', querry: {} } } } } }),
      // @ts-expect-error: in webhooks (event_id)
      definePreset({ description: 'webhooks', config: { webhooks: { verify: { type: 'hmac' }, events: { a: { entity: 'order' } }, eventid: '$.id' } } }),
      // @ts-expect-error: in a webhook event (records)
      definePreset({ description: 'event', config: { webhooks: { verify: { type: 'hmac' }, events: { a: { entity: 'order', record_path: '$.data' } } } } }),
      // @ts-expect-error: in an action's idempotency (key)
      definePreset({ description: 'action', config: { actions: { create: { request: { path: '/o' }, idempotency: { keys: 'id' } } } } }),
      // @ts-expect-error: in a policy (burst)
      definePreset({ description: 'policy', config: { rate_limit: { rate: '1/s', bursts: 2 } } }),
    ];
    expect(misspelt).toHaveLength(7);
  });

  it('checks values against the config types, and leaves component options open', () => {
    // @ts-expect-error: methods are a closed list
    const badMethod = { request: { method: 'FETCH', path: '/x' }, entity: 'order' } satisfies PresetStream;
    // @ts-expect-error: a component use names its type
    const untyped = { verify: { header: 'X-Sig' }, events: { a: { entity: 'order' } } } satisfies PresetWebhooks;
    // Plugin options are checked by the component's own schema when the config is validated.
    const open = { verify: { type: 'acme/signature', any_option: [1, 2] }, events: { a: { entity: 'order' } } } satisfies PresetWebhooks;
    // @ts-expect-error: in a separately declared action (input_schema)
    const action = { request: { path: '/o' }, inputschema: {} } satisfies PresetAction;
    expect([badMethod, untyped, open, action].map((value) => typeof value)).toEqual(['object', 'object', 'object', 'object']);
  });
});
