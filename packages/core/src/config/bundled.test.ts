import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// The storq plugin's sources: the bundled file extends its preset and uses its webhook verifier.
import shopify from '../../../connector-shopify/src/index.js';
import square from '../../../connector-square/src/index.js';
import storq from '../../../connector-storq/src/index.js';
import { recordPlugin } from '../connector/index.js';
import { validationContext } from '../testing/validation-context.js';
import { formatConfigIssue } from './issues.js';
import { parseConfigFile } from './parse.js';
import { validateConfig } from './validate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Built-in ids plus the components and presets of the plugins the shipped files use. */
const withPlugins = validationContext({ plugins: [
    recordPlugin(storq, { entry: join(ROOT, 'packages/connector-storq/src/index.ts'), index: 0 }),
    recordPlugin(square, { entry: join(ROOT, 'packages/connector-square/src/index.ts'), index: 1 }),
    recordPlugin(shopify, { entry: join(ROOT, 'packages/connector-shopify/src/index.ts'), index: 2 }),
  ] });

async function exampleConfigs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name === 'connectors.yaml').map((e) => join(e.parentPath, e.name));
}

async function problems(file: string, env: Record<string, string>): Promise<string[]> {
  const result = validateConfig(await parseConfigFile(file, env), withPlugins);
  return result.ok ? [] : result.issues.map(formatConfigIssue);
}

describe('shipped configs', () => {
  it('the bundled connectors.yaml validates with an empty environment, every connector idle', async () => {
    const file = join(ROOT, 'connectors.yaml');
    const result = validateConfig(await parseConfigFile(file, {}), withPlugins);
    expect(result.ok ? [] : result.issues.map(formatConfigIssue)).toEqual([]);
    expect(result.idleConnectors.map((c) => c.connector)).toEqual(['storq', 'square', 'shopify']);
  });

  it('the bundled connectors.yaml reads only the variables the README lists for it', async () => {
    const text = await readFile(join(ROOT, 'connectors.yaml'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    const allowed = [
      'STORQ_API_KEY', 'STORQ_WEBHOOK_SECRET', 'STORQ_BASE_URL',
      'SQUARE_APPLICATION_ID', 'SQUARE_APPLICATION_SECRET', 'SQUARE_WEBHOOK_SIGNATURE_KEY', 'SQUARE_WEBHOOK_URL', 'SQUARE_BASE_URL',
      'SHOPIFY_CLIENT_ID', 'SHOPIFY_CLIENT_SECRET', 'SHOPIFY_SCOPES', 'SHOPIFY_API_VERSION', 'SHOPIFY_SHOP_URL',
    ];
    expect([...used].filter((v) => !allowed.includes(v as string))).toEqual([]);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./packages/core/schema/connectors.schema.json');
  });

  it('the bundled connectors.yaml activates every connector once its variables are set, and collects their secrets', async () => {
    const env = {
      STORQ_API_KEY: 'storq-api-key-1', STORQ_WEBHOOK_SECRET: 'storq-hook-secret-2',
      SQUARE_APPLICATION_ID: 'sq0idp-app', SQUARE_APPLICATION_SECRET: 'sq0csp-secret-3', SQUARE_WEBHOOK_SIGNATURE_KEY: 'square-sig-key-4',
      SQUARE_WEBHOOK_URL: 'https://hooks.example.com/webhooks/square',
      SHOPIFY_CLIENT_ID: 'shopify-client', SHOPIFY_CLIENT_SECRET: 'shopify-secret-5',
    };
    const result = validateConfig(await parseConfigFile(join(ROOT, 'connectors.yaml'), env), withPlugins);
    expect(result.ok ? [] : result.issues.map(formatConfigIssue)).toEqual([]);
    expect(result.idleConnectors).toEqual([]);
    expect(result.ok && [...result.secretValues].sort()).toEqual(
      ['shopify-secret-5', 'sq0csp-secret-3', 'square-sig-key-4', 'storq-api-key-1', 'storq-hook-secret-2'],
    );
  });

  it('every examples/**/connectors.yaml validates with an empty environment', async () => {
    const files = await exampleConfigs(join(ROOT, 'examples'));
    expect(files.map((f) => relative(ROOT, f)).sort()).toEqual(expect.arrayContaining(['examples/full/connectors.yaml', 'examples/minimal/connectors.yaml']));
    for (const file of files) expect(await problems(file, {}), relative(ROOT, file)).toEqual([]);
  });
});

