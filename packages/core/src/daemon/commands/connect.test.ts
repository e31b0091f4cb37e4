import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { connectUrl } from './connect.js';

const PUBLIC_URL = 'https://connect.example.com';

/** A config with a Shopify-like connector that declares its shop, and one that declares nothing. */
const configPath = (() => {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-connect-')), 'connectors.yaml');
  writeFileSync(
    path,
    `version: 1
connectors:
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
})();

const link = (connector: string, tenant: string, params?: Record<string, string>, connection?: string) =>
  connectUrl({ configPath, env: {}, publicUrl: PUBLIC_URL, connector, tenant, connection, params });

async function refusal(promise: Promise<unknown>): Promise<{ code: string; exitCode: number; parameter: unknown; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectdError(err)) throw new Error(`expected a coded refusal, got ${String(err)}`);
  return { code: err.code, exitCode: err.exitCode, parameter: err.details['parameter'], message: err.message };
}

describe('connectd connect (the start link)', () => {
  it('prints the start link with the declared shop lower-cased', async () => {
    expect(await link('shop', 'acme', { shop: 'Acme.MyShopify.com' })).toBe(`${PUBLIC_URL}/oauth/shop/start?tenant=acme&shop=acme.myshopify.com`);
    expect(await link('shop', 'acme', { shop: 'acme.myshopify.com' }, 'shop-main')).toBe(
      `${PUBLIC_URL}/oauth/shop/start?tenant=acme&connection=shop-main&shop=acme.myshopify.com`,
    );
  });

  it('refuses, with exit code 2 and before any link exists, a forged, unknown, missing or clashing parameter', async () => {
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
  });

  it('checks a connector without declared params as the daemon does: ids and setting names only', async () => {
    expect(await link('crm', 'acme', { host: 'crm.example' })).toBe(`${PUBLIC_URL}/oauth/crm/start?tenant=acme&host=crm.example`);
    expect((await refusal(link('crm', 'acme', { 'bad-name': 'x' }))).code).toBe('CONNECTD_ERR_OAUTH_START_INVALID');
  });

  it('refuses a connector without a consent flow', async () => {
    expect((await refusal(link('machine', 'acme'))).code).toBe('CONNECTD_ERR_CONNECTION_NOT_OAUTH');
  });
});
