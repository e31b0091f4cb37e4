import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledConfig, repoRoot, runCli, tempDataDir } from './support/daemon-process.js';

function configWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-cli-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, text);
  return path;
}

/** The bundled config with one line replaced, so errors point into a realistic file. */
const scratchFiles: string[] = [];
afterAll(() => {
  for (const file of scratchFiles) rmSync(file, { force: true });
});

function bundledWith(search: string | RegExp, replacement: string): string {
  const text = readFileSync(bundledConfig, 'utf8');
  const changed = text.replace(search, replacement);
  expect(changed).not.toBe(text);
  // Plugins resolve from the config's folder, so the copy lives beside the bundled one.
  const path = join(repoRoot, `.tmp-connectors-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, changed);
  scratchFiles.push(path);
  return path;
}

describe('connectd CLI', () => {
  it('validates the bundled config: exit 0, one line per connector', async () => {
    const { code, stdout, stderr } = await runCli(['validate'], {});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^storq\s+idle\s+missing STORQ_API_KEY/m);
    expect(stdout).toMatch(/^square\s+idle/m);
    expect(stdout).toMatch(/^shopify\s+idle/m);
  });

  it('reports a connector active once its variables are set', async () => {
    const { code, stdout } = await runCli(['validate', '--config', bundledConfig], {
      STORQ_API_KEY: 'fsk_test_abc123',
      STORQ_WEBHOOK_SECRET: 'whsec_test_123',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^storq\s+active\s+auth bearer/m);
    expect(stdout).not.toContain('fsk_test_abc123');
  });

  it('exits 2 on a misspelt key with file:line:col, the YAML path and a suggestion', async () => {
    const path = configWith(['version: 1', 'connectors:', '  shop:', '    base_url: http://127.0.0.1:1', '    auth:', '      type: bearer', '      tokn: abc', ''].join('\n'));
    const { code, stderr } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/connectors\.yaml:7:7\s+connectors\.shop\.auth\.tokn\s+.*Did you mean "token"\?/);
  });

  it('exits 2 naming an unset variable and where it is used, without echoing secrets', async () => {
    const path = configWith(['version: 1', 'connectors:', '  shop:', '    base_url: http://127.0.0.1:1', '    auth: { type: bearer, token: "${UNSET_VAR}" }', ''].join('\n'));
    const { code, stderr } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/connectors\.yaml:5:\d+\s+connectors\.shop\.auth\.token\s+.*UNSET_VAR/);
  });

  it('reports several errors in one run', async () => {
    const path = configWith(
      ['version: 1', 'conectors: {}', 'connectors:', '  shop:', '    base_url: 42', '    auth: { type: bearr, token: x }', '    colour: red', ''].join('\n'),
    );
    const { code, stderr } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(2);
    const lines = stderr.split('\n').filter((l) => /connectors\.yaml:\d+:\d+/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(stderr).toMatch(/Did you mean "connectors"\?/);
    expect(stderr).toMatch(/Did you mean "bearer"\?/);
  });

  it('exits 2 for a mapping that does not compile, pointing at its map', async () => {
    const path = configWith(
      [
        'version: 1',
        'connectors:',
        '  shop:',
        '    base_url: http://127.0.0.1:1',
        '    streams:',
        '      items:',
        '        request: { path: /items }',
        '        entity: product',
        '        map: \'{ "sku": sku, "name": }\'',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/connectors\.yaml:9:\d+\s+connectors\.shop\.streams\.items\.map\s+/);
  });

  it('says when a connector’s webhooks fail closed because no signing secret is set', async () => {
    const path = configWith(
      [
        'version: 1',
        'connectors:',
        '  shop:',
        '    base_url: http://127.0.0.1:1',
        '    webhooks:',
        '      verify: { type: hmac, header: X-Sig, secret: "${HOOK_SECRET:-}" }',
        '      events:',
        '        item.updated: { entity: product, map: \'{ "sku": sku }\' }',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(0);
    expect(stdout).toMatch(/^shop\s+active\s.*webhooks fail closed: no signing secret/m);
  });

  it('exits 2 for a plugin that is not installed, pointing at its plugins entry', async () => {
    const path = bundledWith('"@connectd/connector-shopify"', '"@connectd/connector-shopifyy"');
    const { code, stderr } = await runCli(['validate', '--config', path], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/:\d+:\d+\s+plugins\[2\]\s+/);
    expect(stderr).toContain('@connectd/connector-shopifyy');
  });

  it('migrates the embedded store and says so; a second run is a no-op', async () => {
    const env = { CONNECTD_DATA_DIR: tempDataDir() };
    const first = await runCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migrations? to pglite/);
    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('prints status from the store when no daemon runs', async () => {
    const env = { CONNECTD_DATA_DIR: tempDataDir(), PORT: '1' };
    const { code, stdout } = await runCli(['status', '--json'], env);
    expect(code).toBe(0);
    const status = JSON.parse(stdout) as { source: string; store: { kind: string }; connectors: unknown[] };
    expect(status.source).toBe('local');
    expect(status.store.kind).toBe('pglite');
    expect(status.connectors).toHaveLength(3);
  });

  it('exits 0 for --help and 2 for an unknown command or option', async () => {
    expect((await runCli(['--help'], {})).code).toBe(0);
    expect((await runCli(['validate', '--help'], {})).code).toBe(0);
    expect((await runCli(['frobnicate'], {})).code).toBe(2);
    expect((await runCli(['validate', '--nope'], {})).code).toBe(2);
  });

  it('exits 2 when the config file does not exist', async () => {
    const { code, stderr } = await runCli(['validate', '--config', '/nonexistent/connectors.yaml'], {});
    expect(code).toBe(2);
    expect(stderr).toContain('/nonexistent/connectors.yaml');
  });
});
