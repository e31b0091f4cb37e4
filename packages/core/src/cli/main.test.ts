import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeRecordsVendor, fakeProducts, type FakeRecordsVendor } from '../testing/fake-records-vendor.js';
import { main, type CliContext } from './main.js';

/** A context whose output is captured: what a user would see on stdout and stderr. */
function capture(env: Record<string, string> = {}, cwd = process.cwd()): { ctx: CliContext; out: string[]; err: string[]; progress: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  return { ctx: { output: { out: (l) => out.push(l), err: (l) => err.push(l), progress: (l) => progress.push(l) }, env, cwd }, out, err, progress };
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-cli-main-')), 'connectors.yaml');
  writeFileSync(path, text);
  return path;
}

let vendor: FakeRecordsVendor;
let config: string;
// One embedded store for the file: its first open runs initdb, later commands reopen it.
const dataDir = mkdtempSync(join(tmpdir(), 'connectd-cli-data-'));
const env = (): Record<string, string> => ({ CONNECTD_DATA_DIR: dataDir, VENDOR_TOKEN: vendor.token ?? '', LOG_LEVEL: 'error' });

beforeAll(async () => {
  vendor = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', records: fakeProducts(120) });
  config = configFile(`version: 1
connectors:
  vendor:
    base_url: ${vendor.url}
    auth: { type: bearer, token: "\${VENDOR_TOKEN}" }
    streams:
      products:
        request: { path: /products, query: { limit: 50 } }
        records: $.products
        pagination: { type: cursor, path: $.next_cursor, param: cursor }
        entity: product
        map: '{ "sku": sku, "name": name, "price": $number(price), "vendor_id": $string(id), "vendor_updated_at": updated_at }'
  consent:
    optional: true
    auth: { type: oauth2, authorize_url: "https://vendor.test/authorize", token_url: "https://vendor.test/token", client_id: "\${CONSENT_CLIENT_ID}", client_secret: s }
`);
});

afterAll(async () => {
  await vendor.close();
});

describe('connectd CLI, through main(argv, ctx)', () => {
  it('validates: one line per connector on stdout, exit 0', async () => {
    const { ctx, out, err } = capture(env());
    expect(await main(['validate', '--config', config], ctx)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toMatch(/^vendor\s+active\s+auth bearer, 1 streams/);
    expect(out[1]).toMatch(/^consent\s+idle\s+missing CONSENT_CLIENT_ID/);
  });

  it('reports every config error at once with file:line:col and exits 2', async () => {
    const bad = configFile('version: 1\nconnectors:\n  a:\n    base_url: nope\n    auth: { type: bearer, tokn: x }\n');
    const { ctx, err } = capture();
    expect(await main(['validate', '--config', bad], ctx)).toBe(2);
    expect(err.some((l) => /connectors\.yaml:4:\d+\s+connectors\.a\.base_url/.test(l))).toBe(true);
    expect(err.some((l) => /connectors\.a\.auth\.tokn .*Did you mean "token"\?/.test(l))).toBe(true);
    expect(err.at(-1)).toMatch(/^\d+ errors in /);
  });

  it('syncs a stream in the foreground, with progress on the progress line and the result on stdout', async () => {
    const { ctx, out, err, progress } = capture(env());
    expect(await main(['sync', 'vendor', 'products', '--config', config], ctx)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe('vendor.products: started (incremental)');
    expect(out.at(-1)).toMatch(/^vendor\.products: succeeded, 3 pages, 120 records \(0 failed\)/);
    expect(progress.some((l) => /3 pages, 120 records/.test(l))).toBe(true);
    expect(progress.at(-1)).toBe('');
  });

  it('prints plain progress lines when there is no progress line (a pipe)', async () => {
    const { ctx, out } = capture(env());
    const piped: CliContext = { ...ctx, output: { out: ctx.output.out, err: ctx.output.err } };
    expect(await main(['sync', 'vendor', '--full', '--config', config], piped)).toBe(0);
    expect(out[0]).toBe('vendor.products: started (full)');
    expect(out.at(-1)).toMatch(/^vendor\.products: succeeded, 3 pages, 120 records/);
  });

  it('exits 2 naming what exists for an unknown connector or stream, and for an idle connector', async () => {
    const unknownConnector = capture(env());
    expect(await main(['sync', 'nope', '--config', config], unknownConnector.ctx)).toBe(2);
    expect(unknownConnector.err[0]).toMatch(/CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR: unknown connector "nope"; known: vendor, consent/);
    const unknownStream = capture(env());
    expect(await main(['sync', 'vendor', 'orders', '--config', config], unknownStream.ctx)).toBe(2);
    expect(unknownStream.err[0]).toMatch(/CONNECTD_ERR_SYNC_UNKNOWN_STREAM/);
    const idle = capture(env());
    expect(await main(['sync', 'consent', '--config', config], idle.ctx)).toBe(2);
  });

  it('shows the store\'s status when no daemon answers, as text and as JSON', async () => {
    const text = capture(env());
    expect(await main(['status', '--config', config], text.ctx)).toBe(0);
    expect(text.out.join('\n')).toMatch(/vendor:vendor\.products\s+last succeeded/);
    const json = capture(env());
    expect(await main(['status', '--json', '--config', config], json.ctx)).toBe(0);
    const report = JSON.parse(json.out.join('\n')) as { source: string; streams: Array<{ stream: string; lastRun: { records: number } }> };
    expect(report.source).toBe('local');
    expect(report.streams[0]).toMatchObject({ stream: 'products', lastRun: { records: 120 } });
  });

  it('prints a consent link for an OAuth connector (the link is the last line), and refuses one without consent or a bad --expires-in', async () => {
    const ok = capture({ ...env(), CONSENT_CLIENT_ID: 'cid', CONNECTD_PUBLIC_URL: 'https://connect.example.com' });
    expect(await main(['connect', 'consent', '--tenant', 'acme', '--param', 'region=eu', '--config', config], ok.ctx)).toBe(0);
    expect(ok.out.at(-1)).toMatch(/^https:\/\/connect\.example\.com\/oauth\/consent\/start\?session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(ok.err.at(-1)).toMatch(/^consent link for tenant acme, connection consent-acme: single use, valid until /);
    const badDuration = capture({ ...env(), CONSENT_CLIENT_ID: 'cid' });
    expect(await main(['connect', 'consent', '--tenant', 'acme', '--expires-in', 'a week', '--config', config], badDuration.ctx)).toBe(2);
    expect(badDuration.err[0]).toMatch(/CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID/);
    const refused = capture(env());
    expect(await main(['connect', 'vendor', '--tenant', 'acme', '--config', config], refused.ctx)).toBe(2);
    expect(refused.err[0]).toMatch(/CONNECTD_ERR_CONNECTION_NOT_OAUTH/);
  });

  it('refuses bad arguments with exit 2: no replay selection, action input that is not JSON, an unknown command', async () => {
    const replay = capture(env());
    expect(await main(['replay', '--config', config], replay.ctx)).toBe(2);
    expect(replay.err[0]).toMatch(/CONNECTD_ERR_REPLAY_NO_SELECTION/);
    const action = capture(env());
    expect(await main(['action', 'vendor', 'create', '--input', '{oops', '--config', config], action.ctx)).toBe(2);
    expect(action.err[0]).toMatch(/CONNECTD_ERR_ACTION_INPUT_INVALID/);
    const unknown = capture();
    expect(await main(['frobnicate'], unknown.ctx)).toBe(2);
    const help = capture();
    expect(await main(['--help'], help.ctx)).toBe(0);
    expect(help.out.join('\n')).toMatch(/Usage: connectd/);
  });

  it('lists every command in --help though each loads its code only when it runs, and runs them: migrate, rotate-key, init', async () => {
    const help = capture();
    expect(await main(['--help'], help.ctx)).toBe(0);
    const listed = help.out.join('\n');
    for (const name of ['run', 'validate', 'migrate', 'status', 'sync', 'action', 'replay', 'connect', 'rotate-key', 'init']) {
      expect(listed).toMatch(new RegExp(`^\\s+${name} `, 'm'));
    }
    const migrate = capture(env());
    expect(await main(['migrate'], migrate.ctx)).toBe(0);
    expect(migrate.out).toEqual([expect.stringMatching(/^(store \(pglite at .+\) is up to date|applied \d+ migrations? to pglite at .+: )/)]);
    const rotate = capture(env());
    expect(await main(['rotate-key'], rotate.ctx)).toBe(2);
    expect(rotate.err[0]).toMatch(/^error CONNECTD_ERR_VAULT_NO_KEY: /);
    const init = capture({}, mkdtempSync(join(tmpdir(), 'connectd-cli-init-')));
    expect(await main(['init', 'project', '--dir', 'p'], init.ctx)).toBe(0);
    expect(init.out[0]).toBe('created p/connectors.yaml');
  });
});
