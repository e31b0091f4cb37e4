import { describe, expect, it } from 'vitest';
import { isConnectdError, type ConnectdError } from '../errors/index.js';
import type { ConnectorPlugin, ConnectorSlots } from './contract.js';
import { defineAuth, defineConnector, definePaginator, defineWebhookVerifier } from './define.js';
import type { LoadedPlugin } from './load-plugins.js';
import { CORE_PLUGIN_NAME, createComponentRegistry } from './registry.js';

const objectSchema = { type: 'object', properties: { secret: { type: 'string' } } } as const;

const bearer = defineAuth<{ token: string }>({
  meta: { type: 'bearer', description: 'Bearer token', schema: { type: 'object', required: ['token'] } },
  create: (options) => ({ authorize: async (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${options.token}` } }) }),
});
const cursor = definePaginator<Record<string, never>>({
  meta: { type: 'cursor', description: 'Cursor', schema: { type: 'object' } },
  create: () => ({ next: () => null }),
});
const hmac = defineWebhookVerifier<{ secret: string }>({
  meta: { type: 'hmac', description: 'HMAC', schema: objectSchema },
  create: () => ({ verify: () => ({ ok: true }) }),
});

const builtins: ConnectorSlots = {
  auth: { bearer },
  paginators: { cursor },
  webhookVerifiers: { hmac },
  functions: { trim: { impl: (s: string) => s.trim() } },
  presets: { polite: { description: 'Slow and steady', config: { rate_limit: { rate: '1/s' } } } },
};

let nextIndex = 0;
/** The record the loader would make; these plugins declare name and version, standing in for package.json. */
function loaded(plugin: ConnectorPlugin): LoadedPlugin {
  const meta = { ...plugin.meta, name: plugin.meta.name ?? 'virtual-plugin', version: plugin.meta.version ?? '0.0.0' };
  return { spec: meta.name, index: nextIndex++, entry: `/virtual/${meta.name}/index.js`, meta, plugin };
}

const storq = defineConnector({
  meta: { name: '@connectd/connector-storq', version: '0.1.0', namespace: 'storq', engine: '^0.1.0', secrets: ['webhook_secret', 'x-token'] },
  webhookVerifiers: { hmac },
  functions: { sku: { signature: '<s:s>', impl: (s: string) => s.toUpperCase() } },
  presets: { default: { description: 'storq defaults', config: { base_url: 'https://storq.io/api/v1' } } },
});
const acme = defineConnector({
  meta: { name: 'connectd-connector-acme-pos', version: '2.0.0', namespace: 'acme-pos', engine: '^0.1.0', secrets: ['x-token'] },
  auth: { bearer },
  functions: { money: { impl: (n: number) => n / 100 } },
});

function duplicateError(fn: () => unknown): ConnectdError {
  try {
    fn();
  } catch (err) {
    expect(isConnectdError(err, 'CONNECTD_ERR_PLUGIN_DUPLICATE_TYPE')).toBe(true);
    return err as ConnectdError;
  }
  throw new Error('expected CONNECTD_ERR_PLUGIN_DUPLICATE_TYPE');
}

describe('createComponentRegistry', () => {
  const registry = createComponentRegistry(builtins, [loaded(storq), loaded(acme)]);

  it('registers built-ins under bare ids and plugin components as namespace/key', () => {
    expect(registry.ids('auth')).toEqual(['bearer', 'acme-pos/bearer']);
    expect(registry.ids('webhookVerifiers')).toEqual(['hmac', 'storq/hmac']);
    expect(registry.ids('paginators')).toEqual(['cursor']);
    expect(registry.ids('errorClassifiers')).toEqual([]);
  });

  it('returns the definition with the package that provides it', () => {
    expect(registry.get('webhookVerifiers', 'storq/hmac')).toEqual({ definition: hmac, plugin: '@connectd/connector-storq' });
    expect(registry.get('auth', 'bearer')).toEqual({ definition: bearer, plugin: CORE_PLUGIN_NAME });
    expect(registry.get('auth', 'storq/hmac')).toBeUndefined();
    expect(registry.get('paginators', 'nope')).toBeUndefined();
  });

  it('gives the config validator option schemas by slot and id', () => {
    expect(registry.schemaOf('webhookVerifiers', 'storq/hmac')).toBe(objectSchema);
    expect(registry.schemaOf('auth', 'storq/hmac')).toBeUndefined();
  });

  it('names presets namespace/name, built-ins bare', () => {
    expect(registry.presetIds()).toEqual(['polite', 'storq/default']);
    expect(registry.preset('storq/default')?.config).toEqual({ base_url: 'https://storq.io/api/v1' });
    expect(registry.preset('default')).toBeUndefined();
  });

  it('names mapping functions $namespace_name, with dashes turned into underscores', () => {
    expect(registry.functions().map((f) => [f.name, f.plugin, f.signature])).toEqual([
      ['$trim', CORE_PLUGIN_NAME, undefined],
      ['$storq_sku', '@connectd/connector-storq', '<s:s>'],
      ['$acme_pos_money', 'connectd-connector-acme-pos', undefined],
    ]);
  });

  it('collects every plugin secret field once', () => {
    expect(registry.secretFields()).toEqual(['webhook_secret', 'x-token']);
  });

  it('lists the plugins in load order', () => {
    expect(registry.plugins().map((m) => m.name)).toEqual(['@connectd/connector-storq', 'connectd-connector-acme-pos']);
  });

  it('keeps registries independent of each other', () => {
    const other = createComponentRegistry({}, [loaded(acme)]);
    expect(other.ids('auth')).toEqual(['acme-pos/bearer']);
    expect(registry.ids('auth')).toEqual(['bearer', 'acme-pos/bearer']);
  });

  it('rejects two plugins registering the same component id, naming both packages', () => {
    const copy = defineConnector({ ...storq, meta: { ...storq.meta, name: 'connectd-connector-storq-fork' } });
    const err = duplicateError(() => createComponentRegistry({}, [loaded(storq), loaded(copy)]));
    expect(err.details['duplicates']).toEqual([
      { slot: 'webhookVerifiers', id: 'storq/hmac', plugins: ['@connectd/connector-storq', 'connectd-connector-storq-fork'] },
      { slot: 'presets', id: 'storq/default', plugins: ['@connectd/connector-storq', 'connectd-connector-storq-fork'] },
      { slot: 'functions', id: '$storq_sku', plugins: ['@connectd/connector-storq', 'connectd-connector-storq-fork'] },
    ]);
    expect(err.exitCode).toBe(2);
  });

  it('rejects mapping functions whose $ns_name forms clash across namespaces', () => {
    const ab = defineConnector({ meta: { ...acme.meta, name: 'p-ab', namespace: 'a-b' }, functions: { c: { impl: () => 1 } } });
    const a = defineConnector({ meta: { ...acme.meta, name: 'p-a', namespace: 'a' }, functions: { b_c: { impl: () => 2 } } });
    const err = duplicateError(() => createComponentRegistry({}, [loaded(ab), loaded(a)]));
    expect(err.details['duplicates']).toEqual([{ slot: 'functions', id: '$a_b_c', plugins: ['p-ab', 'p-a'] }]);
  });

  it('rejects a built-in id registered twice', () => {
    const err = duplicateError(() =>
      createComponentRegistry({ auth: { 'storq/token': bearer } }, [loaded(defineConnector({ meta: storq.meta, auth: { token: bearer } }))]),
    );
    expect(err.details['duplicates']).toEqual([{ slot: 'auth', id: 'storq/token', plugins: [CORE_PLUGIN_NAME, '@connectd/connector-storq'] }]);
  });
});
