import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../project/index.js';
import { restartOnlyChanges } from './restart-keys.js';

async function projectOf(server: string, webhooks: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-restart-keys-')), 'connectors.yaml');
  writeFileSync(
    path,
    `version: 1
${server}
connectors:
  shop:
    base_url: http://127.0.0.1:9/api
    webhooks:
${webhooks}
      verify: { type: hmac, header: X-Sig, algorithm: sha256, encoding: hex, secret: s3cret-for-restart-keys }
      events:
        stock.updated: { entity: inventory_level, map: '{ "product": sku, "quantity": qty }' }
`,
  );
  return loadProject(path, {});
}

describe('restartOnlyChanges', () => {
  it('names the server keys, webhook paths and raised body limits a running daemon keeps until a restart', async () => {
    const before = await projectOf('server: { port: 3000, body_limit_bytes: 1000 }', '      path: /hooks/shop\n      body_limit_bytes: 1000');
    const after = await projectOf('server: { port: 3001, body_limit_bytes: 1000 }', '      path: /hooks/shop2\n      body_limit_bytes: 2000');
    expect(restartOnlyChanges(before, after)).toEqual(['server.port', 'connectors.shop.webhooks.path', 'connectors.shop.webhooks.body_limit_bytes']);
  });

  it('names nothing when only what a reload applies changed (a lower body limit included)', async () => {
    const before = await projectOf('server: { port: 3000 }', '      body_limit_bytes: 2000');
    const after = await projectOf('server: { port: 3000 }', '      body_limit_bytes: 1000');
    expect(restartOnlyChanges(before, after)).toEqual([]);
  });
});
