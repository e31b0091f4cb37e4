import { describe, expect, it } from 'vitest';
import { parseConfigText, validateConfig } from '../../config/index.js';
import { validationContext } from '../../testing/validation-context.js';

const context = validationContext();

/** The issues of a config whose one connector has these oauth2 options (YAML flow mappings, one per line). */
function issuesOf(options: string): string[] {
  const text = `version: 1
connectors:
  square:
    base_url: https://connect.squareup.com/v2
    auth:
      type: oauth2
      authorize_url: https://connect.squareup.com/oauth2/authorize
      token_url: https://connect.squareup.com/oauth2/token
      client_id: sq0idp-1
      client_secret: s
${options
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
  const result = validateConfig(parseConfigText(text, 'connectors.yaml', {}), context);
  return result.ok ? [] : result.issues.map((i) => `${i.code.replace('CONNECTD_ERR_CONFIG_', '')} ${i.path}`);
}

describe('oauth2 options: account_id and revoke', () => {
  it("accepts Square's revoke request and an account id path, or a connection setting", () => {
    expect(
      issuesOf(`account_id: $.merchant_id
revoke:
  url: https://connect.squareup.com/oauth2/revoke
  headers: { Authorization: "Client {client_secret}" }
  body: { client_id: "{client_id}", access_token: "{access_token}" }`),
    ).toEqual([]);
    expect(issuesOf('account_id: param:shop\nrevoke: { url: "https://{shop}/admin/api_permissions/current.json", method: DELETE, body: {}, headers: { X-Shopify-Access-Token: "{access_token}" } }')).toEqual([]);
    expect(issuesOf('account_id: $.team["id"]\nrevoke: { url: https://vendor.example/revoke, format: form }')).toEqual([]);
  });

  it('refuses an account_id that is neither a plain body path nor param:<name>', () => {
    for (const bad of ['merchant_id', '$', '$.items[*].id', '$..id', 'param:', 'param:a-b', 'header:X-Shop']) {
      expect(issuesOf(`account_id: "${bad}"`)).toEqual(['SCHEMA connectors.square.auth.account_id']);
    }
  });

  it('refuses unknown placeholders, methods and keys in revoke, and a revoke without a url', () => {
    expect(issuesOf('revoke: { url: https://v.example/revoke, body: { token: "{token}" } }')).toEqual(['SCHEMA connectors.square.auth.revoke.body.token']);
    expect(issuesOf('revoke: { url: https://v.example/revoke, headers: { X-Shop: "{shop}" } }')).toEqual(['SCHEMA connectors.square.auth.revoke.headers.X-Shop']);
    expect(issuesOf('revoke: { url: https://v.example/revoke, method: GET }')).toEqual(['SCHEMA connectors.square.auth.revoke.method']);
    expect(issuesOf('revoke: { url: https://v.example/revoke, timeout: 5 }')).toEqual(['UNKNOWN_KEY connectors.square.auth.revoke.timeout']);
    expect(issuesOf('revoke: { method: POST }')).toEqual(['MISSING_KEY connectors.square.auth.revoke']);
  });
});

describe('oauth2 options: params, token_params and migrate', () => {
  const SHOP = `params: { shop: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true } }`;

  /** The issues of a Shopify-shaped connector (every OAuth URL takes {shop}) with these options added. */
  const shopify = (extra: string): string[] => {
    const text = `version: 1
connectors:
  shopify:
    base_url: "https://{shop}/admin/api/2025-10"
    auth:
      type: oauth2
      authorize_url: "https://{shop}/admin/oauth/authorize"
      token_url: "https://{shop}/admin/oauth/access_token"
      client_id: c
      client_secret: s
${extra
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
    const result = validateConfig(parseConfigText(text, 'connectors.yaml', {}), context);
    return result.ok ? [] : result.issues.map((i) => `${i.code.replace('CONNECTD_ERR_CONFIG_', '')} ${i.path}`);
  };

  it("accepts Shopify's declared shop, token_params and a token-exchange migration", () => {
    expect(
      shopify(`${SHOP}
account_id: param:shop
token_params: { expiring: "1" }
revoke: { url: "https://{shop}/admin/api_permissions/current.json", method: DELETE, body: {} }
migrate:
  grant_type: urn:ietf:params:oauth:grant-type:token-exchange
  params: { subject_token: "{access_token}", subject_token_type: urn:shopify:params:oauth:token-type:offline-access-token, expiring: "1" }`),
    ).toEqual([]);
  });

  it('refuses a param without a pattern, with a pattern that does not compile, an unknown key or a reserved name', () => {
    expect(issuesOf('params: { shop: { required: true } }')).toEqual(['MISSING_KEY connectors.square.auth.params.shop']);
    expect(issuesOf("params: { shop: { pattern: '^(unclosed' } }")).toEqual(['SCHEMA connectors.square.auth.params.shop.pattern']);
    expect(issuesOf("params: { shop: { pattern: '^a$', trim: true } }")).toEqual(['UNKNOWN_KEY connectors.square.auth.params.shop.trim']);
    expect(issuesOf("params: { tenant: { pattern: '^a$' } }")).toEqual(['SCHEMA connectors.square.auth.params.tenant']);
  });

  it('refuses OAuth URL placeholders and a param: account id that params does not declare', () => {
    expect(shopify(SHOP)).toEqual([]);
    expect(shopify("params: { store: { pattern: '^[a-z]+$' } }")).toEqual([
      'SCHEMA connectors.shopify.auth.authorize_url',
      'SCHEMA connectors.shopify.auth.token_url',
    ]);
    expect(shopify(`${SHOP}\nrevoke: { url: "https://{host}/revoke" }`)).toEqual(['SCHEMA connectors.shopify.auth.revoke.url']);
    expect(shopify(`${SHOP}\naccount_id: param:store`)).toEqual(['SCHEMA connectors.shopify.auth.account_id']);
    // Without params, placeholders stay as they were: filled from any start parameter.
    expect(shopify('account_id: param:shop')).toEqual([]);
  });

  it('refuses a migration placeholder other than {access_token}, and a migration without grant_type', () => {
    expect(issuesOf('migrate: { grant_type: x, params: { subject_token: "{refresh_token}" } }')).toEqual(['SCHEMA connectors.square.auth.migrate.params.subject_token']);
    expect(issuesOf('migrate: { params: { subject_token: "{access_token}" } }')).toEqual(['MISSING_KEY connectors.square.auth.migrate']);
    expect(issuesOf('token_params: { expiring: 1 }')).toEqual(['SCHEMA connectors.square.auth.token_params.expiring']);
  });
});
