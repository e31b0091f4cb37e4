import { describe, expect, it } from 'vitest';
import { createEntityCatalog } from '../mapping/index.js';
import { compileWebhooks } from './compile.js';

const catalog = createEntityCatalog({});

describe('compileWebhooks', () => {
  it('compiles each event mapping, records path and the delivery keys once, for the intake and processing', async () => {
    const { connectors, issues } = compileWebhooks(
      {
        pos: {
          verify: { type: 'hmac', header: 'X-Sig', secret: 's' },
          event_id: 'header:X-Event',
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
    expect(pos.keys.eventType!({}, { type: 'count.updated' })).toBe('count.updated');
    expect(pos.keys.route!({ 'x-merchant': 'M1' }, {})).toBe('M1');
    expect(pos.keys.headerNames).toEqual(['x-event', 'x-merchant']);
    expect(pos.verify).toEqual({ type: 'hmac', header: 'X-Sig', secret: 's' });
    const { action } = pos.events.get('count.updated')!;
    if (action.kind !== 'map') throw new Error('count.updated should map');
    const records = await action.records({ data: { counts: [{ sku: 'A', n: 1 }, { sku: 'B', n: 2 }] } });
    expect(records).toHaveLength(2);
    const bindings = { connection: { id: 'c', tenant: 't', config: {} }, lookups: { store: () => undefined, product: () => undefined } };
    expect((await action.mapper.map(records.slice(0, 1), bindings)).rows.map((r) => r.value)).toEqual([{ product: 'A', quantity: 1, store: 'default' }]);
  });

  it('reports every broken declaration with its YAML path and leaves that connector out', () => {
    const { connectors, issues } = compileWebhooks(
      {
        bad: {
          verify: { type: 'hmac', header: 'X-Sig', secret: 's' },
          route: '$.items[type="x"].id',
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
      ['connectors.bad.webhooks.route', 'CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID'],
      ['connectors.bad.webhooks.events.a.entity', 'CONNECTD_ERR_MAPPING_UNKNOWN_ENTITY'],
      ['connectors.bad.webhooks.events.b.map', 'CONNECTD_ERR_MAPPING_COMPILE'],
      ['connectors.bad.webhooks.events.c.records', 'CONNECTD_ERR_MAPPING_COMPILE'],
    ]);
    expect(issues[1]!.error.details).toMatchObject({ suggestion: 'inventory_level' });
  });
});
