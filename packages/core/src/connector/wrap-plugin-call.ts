/**
 * Every call into plugin code goes through here, so a throw always reaches the log as
 * CONNECTD_ERR_PLUGIN_FAILED naming the plugin and the hook, with the original error as `cause`
 * (Rollup's `logPluginError`). A connectd error thrown by a plugin is wrapped too: its code becomes
 * `pluginCode`, and the plugin's name is attached either way.
 */
import { PLUGIN_FAILED, isConnectdError, type ConnectdError } from '../errors/index.js';

/** Longest excerpt of the thrown message kept in ours; the whole error stays in `cause`. */
const REASON_MAX_CHARS = 300;

function reasonOf(thrown: unknown): string {
  const text =
    thrown instanceof Error ? thrown.message : typeof thrown === 'string' ? thrown : `non-Error value thrown (${typeof thrown})`;
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > REASON_MAX_CHARS ? `${firstLine.slice(0, REASON_MAX_CHARS)}…` : firstLine || '(no message)';
}

function codeOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const code = (thrown as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

/**
 * Builds the wrapper error for a throw from plugin code. Exported for the loader, which adds the
 * plugin's index in `plugins:`; everyone else uses {@link callPlugin}.
 */
export function pluginFailure(plugin: string, hook: string, thrown: unknown, index?: number): ConnectdError {
  // Already wrapped for this plugin (a wrapped method calling another): keep the innermost hook.
  if (isConnectdError(thrown, PLUGIN_FAILED.code) && thrown.details['plugin'] === plugin) return thrown;
  const details = { plugin, hook, pluginCode: codeOf(thrown), reason: reasonOf(thrown), ...(index === undefined ? {} : { index }) };
  return PLUGIN_FAILED(details, { cause: thrown });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Calls plugin code. A synchronous throw is rethrown wrapped; when `fn` returns a promise, its
 * rejection is wrapped too, so one helper serves sync hooks (`verify`, `next`) and async ones.
 * @example
 * const runtime = callPlugin(entry.plugin, `${id}.create`, () => entry.definition.create(options, ctx));
 * const page = await callPlugin('@acme/connectd-connector-acme', 'acme/cursor.next', () => paginator.next(page, records));
 */
export function callPlugin<T>(plugin: string, hook: string, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (err) {
    throw pluginFailure(plugin, hook, err);
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).catch((err: unknown) => {
      throw pluginFailure(plugin, hook, err);
    }) as T;
  }
  return result;
}

/**
 * Like {@link callPlugin}, but always returns a promise (a synchronous throw becomes a rejection).
 * @example
 * await callPluginAsync(meta.name, 'storq/bearer.refresh', () => auth.refresh?.());
 */
export async function callPluginAsync<T>(plugin: string, hook: string, fn: () => T | PromiseLike<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw pluginFailure(plugin, hook, err);
  }
}

/**
 * Returns a view of a component's runtime object whose every method call goes through
 * {@link callPlugin} with hook `<componentId>.<method>`. Methods run with the original object as
 * `this`, so runtimes built from classes with `#private` fields keep working.
 * @example
 * const verifier = wrapRuntime(entry.plugin, 'shopify/hmac', created);
 * verifier.verify(input); // a throw inside becomes CONNECTD_ERR_PLUGIN_FAILED { hook: 'shopify/hmac.verify' }
 */
export function wrapRuntime<T extends object>(pluginName: string, componentId: string, runtime: T): T {
  // Wrappers keep their identity across reads; a method reassigned on the runtime is rewrapped.
  const wrappers = new Map<PropertyKey, { method: unknown; wrapper: unknown }>();
  return new Proxy(runtime, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = wrappers.get(property);
      if (cached !== undefined && cached.method === value) return cached.wrapper;
      const method = value as (...args: unknown[]) => unknown;
      const hook = `${componentId}.${String(property)}`;
      const wrapper = (...args: unknown[]): unknown => callPlugin(pluginName, hook, () => method.apply(target, args));
      wrappers.set(property, { method: value, wrapper });
      return wrapper;
    },
  });
}
