/**
 * `connectd sync` and `after:`: all streams run in dependency order, a named stream's prerequisites
 * that never succeeded run first (and the output says so), and a stream whose prerequisite failed
 * is not run. Through main(argv, ctx), an embedded store and a loopback vendor.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../../testing/fake-http-server.js';
import { main, type CliContext } from '../main.js';

let server: FakeHttpServer;
let config: string;
let dataDir: string;

function capture(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const env = { CONNECTD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  return { ctx: { output: { out: (l) => out.push(l), err: (l) => err.push(l) }, env, cwd: process.cwd() }, out, err };
}

function serve(path: string, skus: readonly string[]): void {
  server.route('GET', `/${path}`, reply.json({ items: skus.map((sku) => ({ sku, name: `${path} ${sku}` })) }));
}

const stream = (path: string, after?: string) =>
  `      ${path}:
        request: { path: /${path} }
        records: $.items
        entity: product
        map: '{ "sku": sku, "name": name }'${after === undefined ? '' : `\n        after: [${after}]`}
`;

beforeEach(async () => {
  server = await createFakeHttpServer();
  serve('inventory', ['I-1', 'I-2']);
  serve('catalog', ['C-1']);
  serve('locations', ['L-1']);
  const dir = mkdtempSync(join(tmpdir(), 'connectd-cli-after-'));
  dataDir = join(dir, 'data');
  config = join(dir, 'connectors.yaml');
  // Declared before the streams it runs after, on purpose.
  writeFileSync(config, `version: 1\nconnectors:\n  shop:\n    base_url: ${server.url}\n    streams:\n${stream('inventory', 'locations, catalog')}${stream('catalog')}${stream('locations')}`);
});
afterEach(async () => {
  await server.close();
});

const started = (out: readonly string[]): string[] => out.filter((l) => l.endsWith(': started (incremental)')).map((l) => l.split(':')[0]!);
const paths = (): string[] => server.requests.map((r) => r.path);

describe('connectd sync with after:', () => {
  it('runs every stream in dependency order, stable by declaration order', async () => {
    const { ctx, out, err } = capture();
    expect(await main(['sync', 'shop', '--config', config], ctx)).toBe(0);
    expect(err).toEqual([]);
    expect(started(out)).toEqual(['shop.catalog', 'shop.locations', 'shop.inventory']);
    expect(paths()).toEqual(['/catalog', '/locations', '/inventory']);
  });

  it('runs the prerequisites of a named stream first when they never succeeded, saying so, and only then the stream', async () => {
    const first = capture();
    expect(await main(['sync', 'shop', 'inventory', '--config', config], first.ctx)).toBe(0);
    expect(first.out[0]).toBe('shop.inventory: runs after catalog, locations, which never succeeded on this connection; running them first');
    expect(started(first.out)).toEqual(['shop.catalog', 'shop.locations', 'shop.inventory']);
    expect(first.out.filter((l) => / succeeded, /.test(l))).toHaveLength(3);

    const again = capture();
    expect(await main(['sync', 'shop', 'inventory', '--config', config], again.ctx)).toBe(0);
    expect(started(again.out)).toEqual(['shop.inventory']);
    expect(paths()).toEqual(['/catalog', '/locations', '/inventory', '/inventory']);
  });

  it('does not run a stream whose prerequisite failed, and says why', async () => {
    server.route('GET', '/locations', reply.json({ errors: [{ code: 'FORBIDDEN' }] }, 403));
    const { ctx, out, err } = capture();
    expect(await main(['sync', 'shop', 'inventory', '--config', config], ctx)).toBe(1);
    expect(started(out)).toEqual(['shop.catalog', 'shop.locations']);
    expect(err).toEqual([
      expect.stringMatching(/^shop\.locations: failed CONNECTD_ERR_SYNC_VENDOR_STATUS: /),
      'shop.inventory: not run CONNECTD_ERR_SYNC_PREREQUISITES_UNMET: stream shop.inventory was not run: it runs after locations, which has not succeeded on connection shop',
    ]);
    expect(paths()).not.toContain('/inventory');
  });
});
