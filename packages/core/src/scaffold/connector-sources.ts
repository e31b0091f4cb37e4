import type { CorePackage } from './core-package.js';
import type { ConnectorNames } from './names.js';
import type { ScaffoldFile } from './write-files.js';

/**
 * The sources of a plugin scaffold: the plugin, a preset of two streams and a signed webhook over a
 * generic REST vendor, a fake of that vendor, and tests written with core's tester. Everything a
 * template names exists in the public entry points (`@connectd/core/connector`, `/testing`), so
 * the scaffold compiles against a published core as it does here (scaffold.test.ts runs it).
 */
export function connectorSourceFiles(n: ConnectorNames, core: CorePackage): ScaffoldFile[] {
  return [
    { path: 'src/index.ts', text: indexSource(n, core) },
    { path: 'src/preset.ts', text: presetSource(n) },
    { path: 'src/preset.test.ts', text: presetTestSource(n) },
    { path: `src/testing/fake-${n.namespace}.ts`, text: fakeSource(n) },
    { path: `src/testing/fake-${n.namespace}.test.ts`, text: fakeTestSource(n) },
  ];
}

const indexSource = (n: ConnectorNames, core: CorePackage): string => `/**
 * ${n.packageName}: the connectd plugin for ${n.namespace}. It ships the \`${n.namespace}/default\` preset.
 * Its name and version are read from package.json when connectd loads it.
 */
import { defineConnector } from '@connectd/core/connector';
import { ${n.identifier}DefaultPreset } from './preset.js';

export { ${n.identifier}DefaultPreset } from './preset.js';

export default defineConnector({
  meta: {
    namespace: '${n.namespace}',
    // The @connectd/core versions this plugin is written for; connectd refuses to load it outside them.
    engine: '${core.engineRange}',
  },
  presets: { default: ${n.identifier}DefaultPreset },
});
`;

const presetSource = (n: ConnectorNames): string => `/**
 * \`${n.namespace}/default\`: everything about ${n.namespace} that does not depend on the environment. A
 * connectors.yaml block \`extends: ${n.namespace}/default\` and adds its own base URL, token and secret.
 * Replace the endpoints, fields and mappings with your vendor's.
 */
import { definePreset } from '@connectd/core/connector';

/** The largest page the vendor serves. */
export const ${n.envPrefix}_PAGE_SIZE = 100;
/** The header carrying the webhook signature: hex HMAC-SHA256 of the raw body. */
export const ${n.envPrefix}_SIGNATURE_HEADER = '${n.typeName}-Signature';

const NEXT_CURSOR = { type: 'cursor', path: '$.next_cursor', param: 'cursor' };
const STOCK_TO_INVENTORY_LEVEL = '{ "store": location, "product": sku, "quantity": on_hand, "vendor_updated_at": updated_at }';

export const ${n.identifier}DefaultPreset = definePreset({
  description: '${n.namespace} products and stock levels, with signed stock webhooks',
  config: {
    description: '${n.namespace}',
    base_url: 'https://api.${n.namespace}.example/v1',
    auth: { type: 'bearer' },
    rate_limit: { rate: '10/s', burst: 20 },
    retry: { max_attempts: 5, retry_on_status: [408, 429, 500, 502, 503, 504] },
    streams: {
      products: {
        description: 'The product catalogue, hourly',
        request: { path: '/products', query: { limit: ${n.envPrefix}_PAGE_SIZE } },
        records: '$.products',
        pagination: NEXT_CURSOR,
        schedule: '0 * * * *',
        entity: 'product',
        map: '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": id, "vendor_updated_at": updated_at }',
      },
      stock: {
        description: 'Stock levels per location, every 5 minutes',
        request: { path: '/stock', query: { limit: ${n.envPrefix}_PAGE_SIZE } },
        records: '$.stock',
        pagination: NEXT_CURSOR,
        schedule: '*/5 * * * *',
        entity: 'inventory_level',
        map: STOCK_TO_INVENTORY_LEVEL,
      },
    },
    webhooks: {
      // The secret comes from connectors.yaml: \`webhooks: { verify: { secret: \${${n.envPrefix}_WEBHOOK_SECRET} } }\`.
      verify: { type: 'hmac', header: ${n.envPrefix}_SIGNATURE_HEADER, encoding: 'hex' },
      event_id: '$.id',
      event_type: '$.type',
      events: {
        'stock.updated': { entity: 'inventory_level', records: '$.data', map: STOCK_TO_INVENTORY_LEVEL },
      },
    },
  },
});
`;

const presetTestSource = (n: ConnectorNames): string => `import { testPreset } from '@connectd/core/testing';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

// Sample records shaped as ${n.namespace}'s API documents them; replace them with real payloads.
const PRODUCT = { id: 'p_1', sku: 'MUG-BLUE', name: 'Blue mug', price: '9.50', updated_at: '2026-03-01T10:00:00Z' };
const STOCK = { location: 'berlin', sku: 'MUG-BLUE', on_hand: 7, updated_at: '2026-03-01T10:05:00Z' };

describe('${n.namespace}/default', () => {
  it('maps products, stock pages and stock webhooks onto canonical entities', async () => {
    const report = await testPreset(plugin, 'default', {
      // What connectors.yaml sets beside \`extends: ${n.namespace}/default\`.
      connection: { auth: { token: 'test-token' }, webhooks: { verify: { secret: 'test-webhook-secret' } } },
      samples: [
        {
          stream: 'products',
          body: { products: [PRODUCT], next_cursor: null },
          expected: [{ sku: 'MUG-BLUE', name: 'Blue mug', price: 9.5, vendor_id: 'p_1', vendor_updated_at: '2026-03-01T10:00:00Z' }],
        },
        {
          stream: 'stock',
          body: { stock: [STOCK], next_cursor: null },
          expected: [{ store: 'berlin', product: 'MUG-BLUE', quantity: 7, vendor_updated_at: '2026-03-01T10:05:00Z' }],
        },
        {
          webhook: 'stock.updated',
          body: { id: 'evt_1', type: 'stock.updated', data: STOCK },
          expected: [{ store: 'berlin', product: 'MUG-BLUE', quantity: 7, vendor_updated_at: '2026-03-01T10:05:00Z' }],
        },
      ],
    });
    expect(report.samples).toBe(3);
  });
});
`;

const fakeSource = (n: ConnectorNames): string => `/**
 * A fake ${n.namespace} for tests: cursor-paged products and stock behind a bearer token, faults on
 * demand, and webhooks signed as ${n.namespace} signs them. Built with core's fake-vendor builder.
 */
import { createFakeVendor, type FakeVendor } from '@connectd/core/testing';
import { ${n.envPrefix}_PAGE_SIZE, ${n.envPrefix}_SIGNATURE_HEADER } from '../preset.js';

export const FAKE_${n.envPrefix}_TOKEN = '${n.namespace}-test-token';
export const FAKE_${n.envPrefix}_WEBHOOK_SECRET = '${n.namespace}-webhook-secret';

export interface Fake${n.typeName} {
  readonly url: string;
  readonly vendor: FakeVendor;
  /** POSTs a signed \`stock.updated\` event to \`target\`; returns the status it answered. */
  sendStockUpdate(target: string, stock: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

export async function startFake${n.typeName}(seed: { products?: readonly Record<string, unknown>[]; stock?: readonly Record<string, unknown>[] } = {}): Promise<Fake${n.typeName}> {
  const vendor = await createFakeVendor({ authorize: (request) => request.headers.authorization === \`Bearer \${FAKE_${n.envPrefix}_TOKEN}\` });
  vendor.records('/products', seed.products ?? [], { paging: 'cursor', recordsKey: 'products', maxPageSize: ${n.envPrefix}_PAGE_SIZE });
  vendor.records('/stock', seed.stock ?? [], { paging: 'cursor', recordsKey: 'stock', maxPageSize: ${n.envPrefix}_PAGE_SIZE });
  const webhooks = vendor.webhooks({ secret: FAKE_${n.envPrefix}_WEBHOOK_SECRET, header: ${n.envPrefix}_SIGNATURE_HEADER, encoding: 'hex' });
  let events = 0;
  return {
    url: vendor.url,
    vendor,
    async sendStockUpdate(target, stock) {
      events += 1;
      const sent = await webhooks.send(target, JSON.stringify({ id: \`evt_\${events}\`, type: 'stock.updated', data: stock }));
      return sent.status;
    },
    close: () => vendor.close(),
  };
}
`;

const fakeTestSource = (n: ConnectorNames): string => `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_${n.envPrefix}_TOKEN, startFake${n.typeName}, type Fake${n.typeName} } from './fake-${n.namespace}.js';

const STOCK = Array.from({ length: 150 }, (_, i) => ({ location: 'berlin', sku: \`SKU-\${i}\`, on_hand: i, updated_at: '2026-03-01T10:00:00Z' }));

describe('fake ${n.namespace}', () => {
  let fake: Fake${n.typeName};
  beforeAll(async () => {
    fake = await startFake${n.typeName}({ stock: STOCK });
  });
  afterAll(() => fake.close());

  it('serves every stock row once across its cursor pages', async () => {
    const seen: string[] = [];
    let url: string | null = \`\${fake.url}/stock?limit=100\`;
    while (url !== null) {
      const response = await fetch(url, { headers: { authorization: \`Bearer \${FAKE_${n.envPrefix}_TOKEN}\` } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { stock: { sku: string }[]; next_cursor: string | null };
      seen.push(...page.stock.map((row) => row.sku));
      url = page.next_cursor === null ? null : \`\${fake.url}/stock?limit=100&cursor=\${encodeURIComponent(page.next_cursor)}\`;
    }
    expect(seen).toEqual(STOCK.map((row) => row.sku));
  });

  it('refuses a request without the token', async () => {
    const response = await fetch(\`\${fake.url}/stock\`);
    expect(response.status).toBe(401);
  });
});
`;
