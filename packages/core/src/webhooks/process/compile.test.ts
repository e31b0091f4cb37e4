import { describe, expect, it } from 'vitest';
import { createEntityCatalog } from '../../mapping/index.js';
import { compileWebhooks } from './compile.js';

const catalog = createEntityCatalog({});

describe('compileWebhooks', () => {
  it('compiles each event mapping, records path and the type and route readers once', async () => {
    const { connectors, issues } = compileWebhooks(
      {
        pos: {
          event_type: '$.type',
          route: 'header:X-Merchant',
          events: { 'count.updated': { entity: 'inventory_level', records: '$.data.counts', map: '{ "product": sku, "quantity": n }' } },
        },
        none: undefined,
      },
      { catalog },
    );
    expect(issues).toEqual([]);
    expect([...connectors.keys()]).toEqual(['pos']);
    const pos = connectors.get('pos')!;
    expect(await pos.eventTypeOf!({}, { type: 'count.updated' })).toBe('count.updated');
    expect(await pos.routeOf!({ 'x-merchant': 'M1' }, {})).toBe('M1');
    const event = pos.events.get('count.updated')!;
    const records = await event.records({ data: { counts: [{ sku: 'A', n: 1 }, { sku: 'B', n: 2 }] } });
    expect(records).toHaveLength(2);
    const bindings = { connection: { id: 'c', tenant: 't', config: {} }, lookups: { store: () => undefined, product: () => undefined } };
    expect(await event.mapping.evaluate(records[0], bindings)).toEqual([{ product: 'A', quantity: 1 }]);
  });

  it('reports every broken declaration with its YAML path and leaves that connector out', () => {
    const { connectors, issues } = compileWebhooks(
      {
        bad: {
          events: {
            a: { entity: 'inventory_levels', map: '{ "product": sku }' },
            b: { entity: 'product', map: '{ "sku": ' },
            c: { entity: 'product', records: '$.[' },
          },
        },
      },
      { catalog },
    );
    expect(connectors.size).toBe(0);
    expect(issues.map((i) => [i.path.join('.'), i.error.code])).toEqual([
      ['connectors.bad.webhooks.events.a.entity', 'CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY'],
      ['connectors.bad.webhooks.events.b.map', 'CONNECTD_ERR_MAPPING_COMPILE'],
      ['connectors.bad.webhooks.events.c.records', 'CONNECTD_ERR_MAPPING_COMPILE'],
    ]);
    expect(issues[0]!.error.details).toMatchObject({ suggestion: 'inventory_level' });
  });
});
