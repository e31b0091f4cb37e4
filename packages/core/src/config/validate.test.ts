import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validationContext } from '../testing/validation-context.js';
import { formatConfigIssue, type ConfigIssue } from './issues.js';
import { parseConfigText } from './parse.js';
import { loadConfig, validateConfig, type ValidationResult } from './validate.js';

const builtinsOnly = validationContext();

function check(text: string, env: Record<string, string> = {}): ValidationResult {
  return validateConfig(parseConfigText(text, 'connectors.yaml', env), builtinsOnly);
}

function issuesOf(text: string, env: Record<string, string> = {}): ConfigIssue[] {
  const result = check(text, env);
  return result.ok ? [] : [...result.issues];
}

const brief = (issues: readonly ConfigIssue[]): string[] => issues.map((i) => `${i.line}:${i.col} ${i.code.replace('CONNECTD_ERR_CONFIG_', '')} ${i.path}`);

const SEVERAL = `version: 1
connectors:
  storq:
    base_url: https://storq.io/api/v1
    auth:
      type: bearer
      tokn: abc
    rate_limit:
      rate: 10/s
      burst: many
    streams:
      stock:
        request:
          method: GET
        records: $.stock
        pagination:
          type: cursr
          param: c
        entity: inventory_level
`;

describe('validateConfig: positions and all errors at once', () => {
  it('reports a misspelt key, a wrong type, a missing key and an unknown type in one run, each at its exact line:col', () => {
    const issues = issuesOf(SEVERAL);
    expect(brief(issues)).toEqual([
      '7:7 UNKNOWN_KEY connectors.storq.auth.tokn',
      '10:14 SCHEMA connectors.storq.rate_limit.burst',
      '13:9 MISSING_KEY connectors.storq.streams.stock.request',
      '17:17 UNKNOWN_TYPE connectors.storq.streams.stock.pagination.type',
    ]);
    expect(issues[0]?.suggestion).toBe('token');
    expect(issues[3]?.suggestion).toBe('cursor');
    expect(formatConfigIssue(issues[0]!)).toBe('connectors.yaml:7:7  connectors.storq.auth.tokn  unknown key "tokn". Did you mean "token"?');
    expect(issues[1]?.message).toBe('must be a whole number');
    expect(issues[2]?.message).toBe('missing required key "path"');
  });

  it('passes a correct config and returns the model', () => {
    const fixed = SEVERAL.replace('tokn: abc', 'token: abc').replace('burst: many', 'burst: 20').replace('method: GET', 'path: /stock').replace('cursr', 'cursor').replace('param: c', 'param: c\n          path: $.next');
    const result = check(fixed);
    expect(result.ok ? [] : brief(result.issues)).toEqual([]);
    expect(result).toMatchObject({ ok: true, config: { version: 1, plugins: [], entities: {}, connectors: { storq: { auth: { type: 'bearer', token: 'abc' } } } } });
  });

  it('suggests top-level keys and does not also report the key as missing', () => {
    expect(brief(issuesOf('version: 1\nconnector: {}\n'))).toEqual(['2:1 UNKNOWN_KEY connector']);
    expect(issuesOf('version: 1\nconnector: {}\n')[0]?.suggestion).toBe('connectors');
  });

  it('reports a missing top-level key at the start of the document', () => {
    expect(brief(issuesOf('version: 1\n'))).toEqual(['1:1 MISSING_KEY (root)']);
  });

  it('reports wrong constants and enum values with suggestions, pointing at the value', () => {
    const issues = issuesOf(`version: 2
connectors:
  a:
    webhooks:
      verify: { type: hmac, header: X, encoding: hexa, secret: s }
      events: { e: { entity: store } }
`);
    expect(brief(issues)).toEqual(['1:10 SCHEMA version', '5:50 SCHEMA connectors.a.webhooks.verify.encoding']);
    expect(issues[0]?.message).toBe('must be 1');
    expect(issues[1]?.suggestion).toBe('hex');
  });

  it('rejects unknown keys at every level, including inside built-in components', () => {
    const issues = issuesOf(`version: 1
connectors:
  a:
    base_url: https://a.example.com
    colour: blue
    retry: { max_attemps: 3 }
    streams:
      s:
        request: { path: /x, qurey: { a: 1 } }
        entity: store
        pagination: { type: page, sise: 10 }
`);
    expect(issues.map((i) => [i.path, i.suggestion])).toEqual([
      ['connectors.a.colour', undefined],
      ['connectors.a.retry.max_attemps', 'max_attempts'],
      ['connectors.a.streams.s.request.qurey', 'query'],
      ['connectors.a.streams.s.pagination.sise', 'size'],
    ]);
    expect(issues.every((i) => i.code === 'CONNECTD_ERR_CONFIG_UNKNOWN_KEY')).toBe(true);
  });

  it('reports unknown component types with did-you-mean, and hints at a missing plugin', () => {
    const issues = issuesOf(`version: 1
connectors:
  a:
    auth: { type: beaer, token: x }
    webhooks:
      verify: { type: shopfy/hmac }
      events: { e: { entity: store } }
`);
    expect(brief(issues)).toEqual(['4:19 UNKNOWN_TYPE connectors.a.auth.type', '6:23 UNKNOWN_TYPE connectors.a.webhooks.verify.type']);
    expect(issues[0]?.suggestion).toBe('bearer');
    expect(issues[1]?.message).toContain('plugins:');
  });

  it('checks conditional requirements (cursor from header, url for url_body signatures, oauth2 authorize_url)', () => {
    const issues = issuesOf(`version: 1
connectors:
  a:
    base_url: https://a.example.com
    auth: { type: oauth2, token_url: https://x/token, client_id: id, client_secret: s }
    streams:
      s:
        request: { path: /x }
        entity: store
        pagination: { type: cursor, from: header, param: c }
    webhooks:
      verify: { type: hmac, header: X, signed_payload: url_body, secret: s }
      events: { e: { entity: store } }
`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['connectors.a.auth', 'missing required key "authorize_url"'],
      ['connectors.a.streams.s.pagination', 'missing required key "header"'],
      ['connectors.a.webhooks.verify', 'missing required key "url"'],
    ]);
  });

  it('points into anchored blocks shared with merge keys', () => {
    const issues = issuesOf(`version: 1
x-shared: &shared
  retry: { max_attemps: 3 }
connectors:
  a:
    <<: *shared
    base_url: https://a.example.com
`);
    expect(brief(issues)).toEqual(['3:12 UNKNOWN_KEY connectors.a.retry.max_attemps']);
  });
});

describe('validateConfig: rules across the file', () => {
  it('checks entity references, cron expressions, hmac secrets, connection ids and base_url', () => {
    const issues = issuesOf(`version: 1
entities:
  member:
    natural_key: [member_id]
    schema: { type: object, properties: { id: { type: string } } }
  store:
    natural_key: [id]
    schema: { type: object, properties: { id: { type: string } } }
connectors:
  a:
    connections:
      - { id: one, tenant: t }
      - { id: one, tenant: u }
    streams:
      s:
        request: { path: /x }
        entity: inventory_levl
        schedule: "*/5 * * 13 *"
    webhooks:
      verify: { type: hmac, header: X, secret: a, secrets: [b] }
      events: { e: { entity: membr } }
`);
    expect(issues.map((i) => [i.code.replace('CONNECTD_ERR_CONFIG_', ''), i.path, i.suggestion])).toEqual([
      ['SCHEMA', 'entities.member.natural_key[0]', undefined],
      ['SCHEMA', 'entities.store', undefined],
      ['MISSING_KEY', 'connectors.a', undefined],
      ['SCHEMA', 'connectors.a.connections[1].id', undefined],
      ['UNKNOWN_ENTITY', 'connectors.a.streams.s.entity', 'inventory_level'],
      ['SCHEMA', 'connectors.a.streams.s.schedule', undefined],
      ['SCHEMA', 'connectors.a.webhooks.verify', undefined],
      ['UNKNOWN_ENTITY', 'connectors.a.webhooks.events.e.entity', 'member'],
    ]);
  });

  it('checks outputs, after: and run_stream references between streams, and circles in after:', () => {
    const issues = issuesOf(`version: 1
connectors:
  pos:
    base_url: http://127.0.0.1:9
    streams:
      locations:
        request: { path: /locations }
        entity: store
        after: [inventory]
      catalog:
        request: { path: /catalog }
        entity: product
        after: [locatons, catalog]
      inventory:
        request: { path: /counts }
        entity: inventory_level
        after: [locations]
      orders:
        request: { path: /orders }
        outputs:
          - { entity: order }
          - { entity: transactions, records: line_items }
    webhooks:
      verify: { type: hmac, header: X, secret: a }
      events:
        catalog.version.updated: { run_stream: catalogue }
        order.updated: { outputs: [{ entity: ordr }], fetch: { request: { path: "/orders/{id}" }, params: { id: $.data.id } } }
`);
    // In file order: the circle locations → inventory → locations is reported at both after: keys.
    expect(issues.map((i) => [i.code.replace('CONNECTD_ERR_CONFIG_', ''), i.path, i.suggestion])).toEqual([
      ['UNKNOWN_STREAM', 'connectors.pos.streams.locations.after', undefined],
      ['UNKNOWN_STREAM', 'connectors.pos.streams.catalog.after[0]', 'locations'],
      ['UNKNOWN_STREAM', 'connectors.pos.streams.catalog.after[1]', undefined],
      ['UNKNOWN_STREAM', 'connectors.pos.streams.inventory.after', undefined],
      ['UNKNOWN_ENTITY', 'connectors.pos.streams.orders.outputs[1].entity', 'transaction'],
      ['UNKNOWN_STREAM', 'connectors.pos.webhooks.events["catalog.version.updated"].run_stream', 'catalog'],
      ['UNKNOWN_ENTITY', 'connectors.pos.webhooks.events["order.updated"].outputs[0].entity', 'order'],
    ]);
  });

  it('wants exactly one action on an event (entity, outputs, run_stream, mark_connection, erase_connection_data, record), and map only beside entity', () => {
    const issues = issuesOf(`version: 1
connectors:
  pos:
    base_url: http://127.0.0.1:9
    streams:
      both: { request: { path: /x }, entity: store, outputs: [{ entity: store }] }
      neither: { request: { path: /x } }
      stray_map: { request: { path: /x }, outputs: [{ entity: store }], map: "{}" }
    webhooks:
      verify: { type: hmac, header: X, secret: a }
      events:
        two: { entity: store, run_stream: both }
        fetch_alone: { mark_connection: needs_reauth, fetch: { request: { path: /y } } }
`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['connectors.pos.streams.both', 'give either "entity" or "outputs", not both'],
      ['connectors.pos.streams.neither', 'needs one of "entity" or "outputs"'],
      ['connectors.pos.streams.stray_map', expect.stringContaining('entity')],
      ['connectors.pos.webhooks.events.two', 'give exactly one of "entity", "outputs", "run_stream", "mark_connection", "erase_connection_data" or "record"'],
      ['connectors.pos.webhooks.events.fetch_alone', expect.stringContaining('entity')],
    ]);
  });

  it('accepts custom entities as stream targets', () => {
    const result = check(`version: 1
entities:
  member: { natural_key: [id], schema: { type: object, properties: { id: { type: string } } } }
connectors:
  a:
    base_url: https://a.example.com
    streams: { s: { request: { path: /m }, entity: member } }
`);
    expect(result.ok).toBe(true);
  });
});

describe('validateConfig: environment', () => {
  const OPTIONAL = `version: 1
connectors:
  storq:
    optional: true
    base_url: \${STORQ_BASE_URL}
    auth:
      type: bearer
      token: \${STORQ_API_KEY}
    rate_limit:
      burst: \${BURST}
  other:
    base_url: https://other.example.com
`;

  it('keeps an optional connector with missing variables idle instead of failing, skipping the values that depend on them', () => {
    const result = check(OPTIONAL);
    expect(result.ok ? [] : brief(result.issues)).toEqual([]);
    expect(result.idleConnectors.map((c) => [c.connector, c.missing.map((m) => m.variable)])).toEqual([['storq', ['STORQ_BASE_URL', 'STORQ_API_KEY', 'BURST']]]);
    expect(result.ok && Object.keys(result.config.connectors)).toEqual(['storq', 'other']);
  });

  it('still reports real mistakes inside an idle connector', () => {
    const issues = issuesOf(OPTIONAL.replace('type: bearer', 'type: bearer\n      tokn: x'));
    expect(brief(issues)).toEqual(['8:7 UNKNOWN_KEY connectors.storq.auth.tokn']);
  });

  it('reports missing variables outside optional connectors as errors, without follow-up schema noise', () => {
    const issues = issuesOf(OPTIONAL.replace('optional: true', 'optional: false'));
    expect(brief(issues)).toEqual([
      '5:15 ENV_MISSING connectors.storq.base_url',
      '8:14 ENV_MISSING connectors.storq.auth.token',
      '10:14 ENV_MISSING connectors.storq.rate_limit.burst',
    ]);
    expect(issues.map((i) => i.message.split(' ')[2])).toEqual(['STORQ_BASE_URL', 'STORQ_API_KEY', 'BURST']);
  });

  it('never echoes an environment value in any issue, even when the value is wrong', () => {
    const env = { AUTH_TYPE: 'beaer-secretish-1', API_TOKEN: 'tok-secret-value-2', ENCODING: 'hexa-from-env-3', ENTITY: 'entity-from-env-4', PRESET: 'x/preset-from-env' };
    const issues = issuesOf(
      `version: 1
connectors:
  a:
    extends: \${PRESET}
    auth: { type: "\${AUTH_TYPE}", token: "\${API_TOKEN}", extra: "\${API_TOKEN}" }
    streams: { s: { request: { path: /x }, entity: "\${ENTITY}" } }
    webhooks:
      verify: { type: hmac, header: X, encoding: "\${ENCODING}", secret: "\${API_TOKEN}" }
      events: { e: { entity: store } }
`,
      env,
    );
    expect(issues.length).toBeGreaterThanOrEqual(4);
    const rendered = issues.map(formatConfigIssue).join('\n');
    for (const value of Object.values(env)) expect(rendered).not.toContain(value);
  });

  it('returns the secret values for the logger', () => {
    const result = check(OPTIONAL, { STORQ_BASE_URL: 'https://s.example.com', STORQ_API_KEY: 'secret-token-1', BURST: '5' });
    expect(result).toMatchObject({ ok: true, idleConnectors: [], secretValues: ['secret-token-1'] });
  });
});

describe('loadConfig', () => {
  it('throws CONFIG_INVALID with every issue and exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connectd-validate-'));
    try {
      const file = join(dir, 'connectors.yaml');
      await writeFile(file, SEVERAL);
      const error = await loadConfig(file, {}, builtinsOnly).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'CONNECTD_ERR_CONFIG_INVALID', exitCode: 2 });
      expect((error as { details: { issues: unknown[] } }).details.issues).toHaveLength(4);
      expect((error as Error).message).toContain(`${file}:7:7  connectors.storq.auth.tokn`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('validateConfig: degenerate files', () => {
  it('reports an empty file as not a mapping, at 1:1', () => {
    expect(brief(issuesOf(''))).toEqual(['1:1 SCHEMA (root)']);
    expect(issuesOf('')[0]?.message).toBe('must be a mapping');
  });

  it('reports only the syntax errors of a broken file', () => {
    const result = check('version: 1\nconnectors:\n  a: [\n');
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toEqual(['CONNECTD_ERR_CONFIG_YAML_SYNTAX']);
  });
});
