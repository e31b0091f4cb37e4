import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigIssue } from './issues.js';
import { parseConfigFile, parseConfigText } from './parse.js';
import { positionOf } from './positions.js';

const CONFIG = `version: 1
server:
  port: \${PORT:-3000}
  host: "\${HOST:-0.0.0.0}"
connectors:
  storq:
    base_url: \${STORQ_BASE_URL:-https://storq.io/api/v1}
    auth:
      type: bearer
      token: \${STORQ_API_KEY}
    headers:
      X-Env: "region-\${REGION:-eu}"
`;

describe('parseConfigText: interpolation in YAML', () => {
  it('interpolates defaults and set variables into plain data', () => {
    const parsed = parseConfigText(CONFIG, 'connectors.yaml', { STORQ_API_KEY: 'key-123456' });
    expect(parsed.issues).toEqual([]);
    expect(parsed.value).toMatchObject({
      server: { port: 3000, host: '0.0.0.0' },
      connectors: { storq: { base_url: 'https://storq.io/api/v1', auth: { token: 'key-123456' }, headers: { 'X-Env': 'region-eu' } } },
    });
  });

  it('reads a plain whole-value reference as YAML would (number), but keeps quoted ones as strings', () => {
    const parsed = parseConfigText('a: ${N}\nb: "${N}"\nc: ${T}\nd: x${N}\n', 'c.yaml', { N: '42', T: 'true' });
    expect(parsed.value).toEqual({ a: 42, b: '42', c: true, d: 'x42' });
  });

  it('keeps secret values as strings even when they look numeric', () => {
    const parsed = parseConfigText('password: ${PIN}\n', 'c.yaml', { PIN: '123456' });
    expect(parsed.value).toEqual({ password: '123456' });
  });

  it('reports a missing variable with its name, YAML path and the position of the value', () => {
    const parsed = parseConfigText(CONFIG, 'connectors.yaml', {});
    expect(parsed.issues).toHaveLength(1);
    const [issue] = parsed.issues;
    expect(issue).toMatchObject({ code: 'CONNECTD_ERR_CONFIG_ENV_MISSING', line: 10, col: 14, path: 'connectors.storq.auth.token' });
    expect(issue?.message).toContain('STORQ_API_KEY');
    expect(formatConfigIssue(issue!)).toMatch(/^connectors\.yaml:10:14 {2}connectors\.storq\.auth\.token {2}environment variable STORQ_API_KEY/);
  });

  it('reports a malformed reference with its position', () => {
    const parsed = parseConfigText('version: 1\nx: "${NOT VALID}"\n', 'c.yaml', {});
    expect(parsed.issues).toMatchObject([{ code: 'CONNECTD_ERR_CONFIG_ENV_SYNTAX', line: 2, col: 4, path: 'x' }]);
  });

  it('does not interpolate keys, and $${ stays a literal ${', () => {
    const parsed = parseConfigText('"${K}": v\nq: "$${LITERAL}"\n', 'c.yaml', { K: 'nope', LITERAL: 'nope' });
    expect(parsed.value).toEqual({ '${K}': 'v', q: '${LITERAL}' });
  });

  it('interpolates inside lists and reports list paths', () => {
    const parsed = parseConfigText('secrets:\n  - ${A}\n  - ${B}\n', 'c.yaml', { A: 'first-secret' });
    expect(parsed.value).toEqual({ secrets: ['first-secret', ''] });
    expect(parsed.issues).toMatchObject([{ path: 'secrets[1]', line: 3, col: 5 }]);
  });
});

describe('parseConfigText: secrets', () => {
  const env = {
    STORQ_API_KEY: 'storq-key-value',
    PLAIN_VALUE: 'not-a-secret-value',
    MY_PASSWORD: 'hunter2-password',
    HOOK: 'hook-signing-value',
  };
  const text = `a:
  token: \${PLAIN_VALUE}
  other: \${STORQ_API_KEY}
  name: \${PLAIN_VALUE}
  url: https://user:\${MY_PASSWORD}@example.com
  client_secret: \${HOOK}
  headers:
    Authorization: "Bearer \${HOOK}"
`;

  it('collects values interpolated at secret keys or from secret-named variables', () => {
    const parsed = parseConfigText(text, 'c.yaml', env);
    expect([...parsed.secretValues].sort()).toEqual(['hook-signing-value', 'hunter2-password', 'not-a-secret-value', 'storq-key-value']);
  });

  it('does not collect plain values at plain keys', () => {
    const parsed = parseConfigText('a:\n  name: ${PLAIN_VALUE}\n', 'c.yaml', env);
    expect(parsed.secretValues).toEqual([]);
  });

  it('never puts a variable value into an issue', () => {
    const broken = `${text}  bad: \${ALSO MISSING}\n  gone: \${GONE}\n`;
    const parsed = parseConfigText(broken, 'c.yaml', env);
    expect(parsed.issues.length).toBeGreaterThan(0);
    const rendered = parsed.issues.map(formatConfigIssue).join('\n');
    for (const value of Object.values(env)) expect(rendered).not.toContain(value);
  });
});

describe('parseConfigText: optional connectors', () => {
  const text = `version: 1
connectors:
  storq:
    optional: true
    auth: { type: bearer, token: "\${STORQ_API_KEY}" }
    webhooks:
      verify: { type: hmac, header: X, secret: "\${STORQ_WEBHOOK_SECRET}" }
  shop:
    auth: { type: bearer, token: "\${SHOP_TOKEN}" }
`;

  it('reports missing variables of an optional connector as idle, not as issues', () => {
    const parsed = parseConfigText(text, 'c.yaml', {});
    expect(parsed.idleConnectors).toEqual([
      {
        connector: 'storq',
        missing: [
          { variable: 'STORQ_API_KEY', path: 'connectors.storq.auth.token', line: 5, col: 34 },
          { variable: 'STORQ_WEBHOOK_SECRET', path: 'connectors.storq.webhooks.verify.secret', line: 7, col: 48 },
        ],
      },
    ]);
    expect(parsed.issues.map((i) => [i.code, i.path])).toEqual([['CONNECTD_ERR_CONFIG_ENV_MISSING', 'connectors.shop.auth.token']]);
  });

  it('has no idle connectors when the variables are set', () => {
    const parsed = parseConfigText(text, 'c.yaml', { STORQ_API_KEY: 'k', STORQ_WEBHOOK_SECRET: 's', SHOP_TOKEN: 't' });
    expect(parsed.idleConnectors).toEqual([]);
    expect(parsed.issues).toEqual([]);
  });
});

describe('parseConfigText: YAML syntax', () => {
  it('turns syntax errors into issues with positions and stops there', () => {
    const parsed = parseConfigText('version: 1\nconnectors:\n  a: [1, 2\n', 'c.yaml', {});
    expect(parsed.hasSyntaxErrors).toBe(true);
    expect(parsed.issues[0]).toMatchObject({ code: 'CONNECTD_ERR_CONFIG_YAML_SYNTAX', file: 'c.yaml' });
    expect(parsed.issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports duplicate keys', () => {
    const parsed = parseConfigText('version: 1\nversion: 2\n', 'c.yaml', {});
    expect(parsed.issues).toMatchObject([{ code: 'CONNECTD_ERR_CONFIG_YAML_SYNTAX', line: 2, col: 1 }]);
  });

  it('explains the ${VAR}-in-flow-mapping trap', () => {
    const parsed = parseConfigText('auth: { type: bearer, token: ${KEY} }\n', 'c.yaml', { KEY: 'k' });
    expect(parsed.issues[0]?.message).toContain('quote values');
  });
});

describe('parseConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connectd-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and keeps the name as given', async () => {
    const file = join(dir, 'connectors.yaml');
    await writeFile(file, 'version: 1\nplugins: ["a", "b"]\nconnectors: {}\n');
    const parsed = await parseConfigFile(file, {});
    expect(parsed.file).toBe(file);
    expect(parsed.plugins).toEqual(['a', 'b']);
    expect(positionOf(parsed, ['plugins', 1])).toEqual({ line: 2, col: 16 });
  });

  it('fails with CONFIG_FILE_NOT_FOUND for a missing file', async () => {
    await expect(parseConfigFile(join(dir, 'nope.yaml'), {})).rejects.toMatchObject({ code: 'CONNECTD_ERR_CONFIG_FILE_NOT_FOUND', exitCode: 2 });
  });

  it('fails with CONFIG_FILE_UNREADABLE for a directory', async () => {
    await expect(parseConfigFile(dir, {})).rejects.toMatchObject({ code: 'CONNECTD_ERR_CONFIG_FILE_UNREADABLE' });
  });
});
