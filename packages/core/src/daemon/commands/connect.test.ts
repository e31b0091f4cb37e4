import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeyRing, resolveVault } from '../../auth/index.js';
import { isConnectdError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { sessionKeyFrom, verifySessionToken } from '../../oauth/index.js';
import { openStore } from '../../store/index.js';
import { createTestDatabases } from '../../store/testing.js';
import { readSettings } from '../settings.js';
import { connectLink } from './connect.js';

const PUBLIC_URL = 'https://connect.example.com';
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

/** A config with a Shopify-like connector that declares its shop, one that declares nothing, and one without consent. */
function writeConfig(extra = ''): string {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-connect-')), 'connectors.yaml');
  writeFileSync(
    path,
    `version: 1
${extra}connectors:
  shop:
    auth:
      type: oauth2
      authorize_url: "https://{shop}/admin/oauth/authorize"
      token_url: "https://{shop}/admin/oauth/access_token"
      client_id: c
      client_secret: s
      params: { shop: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true } }
  crm:
    auth: { type: oauth2, authorize_url: "https://{host}/authorize", token_url: "https://{host}/token", client_id: c, client_secret: s }
  machine:
    auth: { type: oauth2, grant: client_credentials, token_url: "https://v.example/token", client_id: c, client_secret: s }
`,
  );
  return path;
}

const configPath = writeConfig();
const dataDirPromise = dbs.createDataDir();
const SECRET_KEY = randomBytes(32).toString('base64');

async function envFor(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { CONNECTD_DATA_DIR: await dataDirPromise, CONNECTD_PUBLIC_URL: PUBLIC_URL, CONNECTD_SECRET_KEY: SECRET_KEY, ...extra };
}

async function link(connector: string, tenant: string, params?: Record<string, string>, connection?: string, options: { env?: Record<string, string>; expiresInSeconds?: number; config?: string } = {}) {
  const env = options.env ?? (await envFor());
  return connectLink({ configPath: options.config ?? configPath, env, settings: readSettings(env), connector, tenant, connection, params, expiresInSeconds: options.expiresInSeconds, logDestination: { write: () => undefined } });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; exitCode: number; parameter: unknown; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectdError(err)) throw new Error(`expected a coded refusal, got ${String(err)}`);
  return { code: err.code, exitCode: err.exitCode, parameter: err.details['parameter'], message: err.message };
}

async function storedSessions(): Promise<Array<Record<string, unknown>>> {
  const store = await openStore({ dataDir: await dataDirPromise, log: silent });
  try {
    return (await store.db.query<Record<string, unknown>>(`select connector, tenant_id, connection_id, params from connectd_engine.connect_sessions order by created_at`)).rows;
  } finally {
    await store.close();
  }
}

describe('connectd connect (a connect session, without a daemon)', () => {
  it('records a session with the declared shop lower-cased and prints its link, which the daemon’s key verifies', async () => {
    const made = await link('shop', 'acme', { shop: 'Acme.MyShopify.com' });
    expect(made.madeBy).toBe('store');
    const url = new URL(made.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/oauth/shop/start`);
    expect([...url.searchParams.keys()]).toEqual(['session']);
    expect(made.connectionId).toBe('shop-acme');
    expect(made.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // The daemon derives the same key from the same CONNECTD_SECRET_KEY.
    const daemonKey = sessionKeyFrom(parseKeyRing({ CONNECTD_SECRET_KEY: SECRET_KEY })!);
    expect(verifySessionToken('shop', url.searchParams.get('session'), daemonKey, Date.now()).id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await link('shop', 'acme', { shop: 'acme.myshopify.com' }, 'shop-main')).connectionId).toBe('shop-main');
    expect((await storedSessions()).slice(-2)).toEqual([
      { connector: 'shop', tenant_id: 'acme', connection_id: 'shop-acme', params: { shop: 'acme.myshopify.com' } },
      { connector: 'shop', tenant_id: 'acme', connection_id: 'shop-main', params: { shop: 'acme.myshopify.com' } },
    ]);
  });

  it('refuses, with exit code 2 and before any session exists, a forged, unknown, missing or clashing parameter', async () => {
    const before = (await storedSessions()).length;
    for (const [params, parameter] of [
      [{ shop: 'evil.example:443' }, 'shop'],
      [{ shop: 'acme.myshopify.com.evil.example' }, 'shop'],
      [{ shop: 'acme.myshopify.com', region: 'eu' }, 'region'],
      [{}, 'shop'],
      [{ shop: 'acme.myshopify.com', tenant: 'other' }, 'tenant'],
    ] as const) {
      const err = await refusal(link('shop', 'acme', params));
      expect([err.code, err.exitCode, err.parameter]).toEqual(['CONNECTD_ERR_OAUTH_START_INVALID', 2, parameter]);
      for (const value of Object.values(params)) expect(err.message).not.toContain(value);
    }
    expect((await refusal(link('shop', 'bad tenant', { shop: 'acme.myshopify.com' }))).parameter).toBe('tenant');
    const tooLong = await refusal(link('crm', 'acme', { host: 'crm.example' }, undefined, { expiresInSeconds: 2 * 86_400 }));
    expect([tooLong.code, tooLong.exitCode]).toEqual(['CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID', 2]);
    expect(await storedSessions()).toHaveLength(before);
  });

  it('checks a connector without declared params as the daemon does, and refuses one without a consent flow', async () => {
    expect(new URL((await link('crm', 'acme', { host: 'crm.example' })).url).pathname).toBe('/oauth/crm/start');
    expect((await refusal(link('crm', 'acme', { 'bad-name': 'x' }))).code).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
    expect((await refusal(link('crm', 'acme', { host: 'evil.example/x' }))).code).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
    expect((await refusal(link('machine', 'acme'))).code).toBe('CONNECTD_ERR_CONNECTION_NOT_OAUTH');
  });

  it('signs with the embedded store’s development key when no key is set, as the daemon does, and needs a key on Postgres', async () => {
    const dataDir = await dbs.createDataDir();
    const env = { CONNECTD_DATA_DIR: dataDir, CONNECTD_PUBLIC_URL: PUBLIC_URL };
    const made = await link('crm', 'acme', { host: 'crm.example' }, undefined, { env });
    const daemonVault = resolveVault(env, { embeddedDataDir: dataDir }, silent)!;
    expect(verifySessionToken('crm', new URL(made.url).searchParams.get('session'), sessionKeyFrom(daemonVault.keys), Date.now())).toBeDefined();

    const onPostgres = await refusal(link('crm', 'acme', { host: 'crm.example' }, undefined, { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', CONNECTD_PUBLIC_URL: PUBLIC_URL } }));
    expect([onPostgres.code, onPostgres.exitCode]).toEqual(['CONNECTD_ERR_VAULT_NO_KEY', 2]);
  });

  it("links to the config's server.public_url when CONNECTD_PUBLIC_URL is not set", async () => {
    const config = writeConfig('server: { public_url: "https://from-yaml.example.com/" }\n');
    const env = { CONNECTD_DATA_DIR: await dataDirPromise, CONNECTD_SECRET_KEY: SECRET_KEY };
    expect((await link('crm', 'acme', { host: 'crm.example' }, undefined, { env, config })).url).toMatch(/^https:\/\/from-yaml\.example\.com\/oauth\/crm\/start\?session=/);
  });
});
