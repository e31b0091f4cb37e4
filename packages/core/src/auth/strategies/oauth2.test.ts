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
