import { describe, expect, it } from 'vitest';
import { defineConnector, type ConnectorPreset } from '../connector/index.js';
import { CasesFailed } from './case-failures.js';
import { testPreset } from './test-preset.js';

const ITEMS_MAP = '{ "sku": sku, "name": title, "price": $number(price), "vendor_variant_id": id }';

/** A plugin as a third party writes one: an items stream, a webhook event and an action, all mapped by JSONata. */
function acme(overrides: { readonly itemsMap?: string; readonly streamExtra?: Record<string, unknown> } = {}) {
  const preset: ConnectorPreset = {
    description: 'Acme items',
    config: {
      auth: { type: 'bearer' },
      streams: {
        items: { request: { path: '/items' }, records: '$.items', entity: 'product', map: overrides.itemsMap ?? ITEMS_MAP, ...overrides.streamExtra },
      },
      webhooks: {
        verify: { type: 'hmac', header: 'X-Acme-Signature' },
        event_id: '$.id',
        event_type: '$.kind',
        events: { 'item.changed': { records: '$.item', entity: 'product', map: ITEMS_MAP }, 'item.deleted': { run_stream: 'items' } },
      },
      actions: {
        create_item: {
          input_schema: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
          request: { method: 'POST', path: '/items', body: '$' },
          map: '{ "id": id, "sku": sku }',
        },
      },
    },
  };
  return defineConnector({ meta: { name: 'connectd-connector-acme', version: '1.0.0', namespace: 'acme', engine: '*' }, presets: { default: preset } });
}

const connection = { base_url: 'http://127.0.0.1:9/api', auth: { token: 't' }, webhooks: { verify: { secret: 's' } } };
const ITEM = { id: 'i-1', sku: 'MUG', title: 'Mug', price: '4.50' };
const PRODUCT = { sku: 'MUG', name: 'Mug', price: 4.5, vendor_variant_id: 'i-1' };

async function failuresOf(run: Promise<unknown>): Promise<CasesFailed> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CasesFailed);
  return err as CasesFailed;
}

describe('testPreset', () => {
  it('maps records, pages, events and action answers through the compiled preset and counts what it checked', async () => {
    const report = await testPreset(acme(), 'acme/default', {
      connection,
      samples: [
        { stream: 'items', record: ITEM, expected: PRODUCT },
        { stream: 'items', records: [ITEM, { ...ITEM, id: 'i-2', sku: 'CUP' }], expected: [PRODUCT, { ...PRODUCT, sku: 'CUP', vendor_variant_id: 'i-2' }] },
        { stream: 'items', body: { items: [ITEM] }, expected: [PRODUCT] },
        { webhook: 'item.changed', body: { id: 'e1', kind: 'item.changed', item: ITEM }, expected: PRODUCT },
        { action: 'create_item', record: { id: 'i-9', sku: 'NEW', title: 'ignored' }, expected: { id: 'i-9', sku: 'NEW' } },
      ],
    });
    expect(report).toEqual({ samples: 5, entities: 5 });
  });

  it('fails a mapping that yields a wrong value, with a readable diff, and one that yields an invalid entity, with its schema error', async () => {
    const wrong = '{ "sku": sku, "name": $uppercase(title), "price": $number(price), "vendor_variant_id": id }';
    const err = await failuresOf(testPreset(acme({ itemsMap: wrong }), 'default', { connection, samples: [{ name: 'mug', stream: 'items', record: ITEM, expected: PRODUCT }] }));
    expect(err.failures).toHaveLength(1);
    expect(err.failures[0]!.label).toBe('samples[0] "mug" (stream items)');
    expect(err.failures[0]!.message).toContain('the mapped result differs from the expected one');
    expect(err.failures[0]!.message).toMatch(/\+\s+name: 'MUG',\n-\s+name: 'Mug',/);

    const misspelt = '{ "skuu": sku, "name": title }';
    const invalid = await failuresOf(testPreset(acme({ itemsMap: misspelt }), 'default', { connection, samples: [{ stream: 'items', record: ITEM, expected: PRODUCT }] }));
    expect(invalid.failures[0]!.message).toBe('1 of 1 record(s) failed to map: CONNECTD_ERR_MAPPING_SCHEMA: the mapped product is invalid: /sku is required; /skuu is not allowed');
  });

  it('runs every sample and lists every failure in one error: wrong target, wrong event type, a non-mapping event, a bad sample', async () => {
    const err = await failuresOf(
      testPreset(acme(), 'default', {
        connection,
        samples: [
          { stream: 'items', record: ITEM, expected: PRODUCT },
          { stream: 'itemz', record: ITEM, expected: PRODUCT },
          { webhook: 'item.changed', body: { id: 'e1', kind: 'item.created', item: ITEM }, expected: PRODUCT },
          { webhook: 'item.deleted', record: ITEM, expected: PRODUCT },
          { stream: 'items', expected: PRODUCT },
        ],
      }),
    );
    expect(err.message).toMatch(/^testPreset\(default\): 4 failed\n/);
    expect(err.failures).toEqual([
      { label: 'samples[1] (stream itemz)', message: 'the preset has no stream "itemz"; it has: items' },
      { label: 'samples[2] (webhook item.changed)', message: 'the event body reads as event type "item.created" through webhooks.event_type, not "item.changed"' },
      { label: 'samples[3] (webhook item.deleted)', message: 'webhook event "item.deleted" does not map records (its action is run_stream)' },
      { label: 'samples[4] (stream items)', message: 'give exactly one of record, records or body' },
    ]);
  });

  it('fails with the validator\'s messages when the preset, with the connection values, is not a valid connector', async () => {
    const err = await failuresOf(testPreset(acme({ streamExtra: { shedule: '*/5 * * * *' } }), 'default', { connection: { auth: { token: 't' } }, samples: [] }));
    const messages = err.failures.map((f) => `${f.label}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringMatching(/^config: .*shedule.*schedule/), expect.stringMatching(/^config: .*secret/)]),
    );
  });

  it('fails for an unknown preset, naming those the plugin has, and for a plugin the loader would refuse', async () => {
    const err = await failuresOf(testPreset(acme(), 'defualt', { connection, samples: [] }));
    expect(err.failures).toEqual([{ label: 'preset', message: 'the plugin has no preset "acme/defualt"; it has: acme/default' }]);
    const broken = { ...acme(), paginator: {} } as unknown as ReturnType<typeof acme>;
    const refused = await failuresOf(testPreset(broken, 'default', { connection, samples: [] }));
    expect(refused.failures[0]).toEqual({ label: 'plugin', message: expect.stringContaining('unknown slot "paginator" (did you mean "paginators"?)') });
  });

  it('fills a missing meta name and version with placeholders, as an imported plugin object has no package.json', async () => {
    const plugin = acme();
    const bare = { ...plugin, meta: { namespace: 'acme', engine: '*' } } as unknown as typeof plugin;
    expect(await testPreset(bare, 'default', { connection, samples: [{ stream: 'items', record: ITEM, expected: PRODUCT }] })).toEqual({ samples: 1, entities: 1 });
  });
});
