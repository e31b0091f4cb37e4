import { describe, expect, it } from 'vitest';
import { defineError, isConnectdError, type ConnectdError } from '../errors/index.js';
import { callPlugin, callPluginAsync, wrapRuntime } from './wrap-plugin-call.js';

const PLUGIN = '@connectd/connector-storq';

function caught(fn: () => unknown): ConnectdError {
  try {
    fn();
  } catch (err) {
    expect(isConnectdError(err, 'CONNECTD_ERR_PLUGIN_FAILED')).toBe(true);
    return err as ConnectdError;
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<ConnectdError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isConnectdError(err, 'CONNECTD_ERR_PLUGIN_FAILED')).toBe(true);
  return err as ConnectdError;
}

describe('callPlugin', () => {
  it('returns what plugin code returns', async () => {
    expect(callPlugin(PLUGIN, 'storq/cursor.next', () => 42)).toBe(42);
    await expect(callPlugin(PLUGIN, 'storq/bearer.authorize', async () => 'ok')).resolves.toBe('ok');
  });

  it('wraps a synchronous throw with plugin, hook, the thrown code and the cause', () => {
    const cause = Object.assign(new Error('bad cursor'), { code: 'E_CURSOR' });
    const err = caught(() =>
      callPlugin(PLUGIN, 'storq/cursor.next', () => {
        throw cause;
      }),
    );
    expect(err.details).toMatchObject({ plugin: PLUGIN, hook: 'storq/cursor.next', pluginCode: 'E_CURSOR' });
    expect(err.cause).toBe(cause);
    expect(err.exitCode).toBe(1);
  });

  it('wraps the rejection of a returned promise', async () => {
    const cause = new Error('token endpoint down');
    const err = await rejected(callPlugin(PLUGIN, 'storq/oauth.refresh', () => Promise.reject(cause)));
    expect(err.details).toMatchObject({ plugin: PLUGIN, hook: 'storq/oauth.refresh' });
    expect(err.details['pluginCode']).toBeUndefined();
    expect(err.cause).toBe(cause);
  });

  it('still wraps a connectd error thrown by a plugin, keeping its code as pluginCode', () => {
    const STORQ_BAD = defineError<Record<string, never>>({
      code: 'CONNECTD_ERR_INTERNAL',
      meaning: 'a plugin reusing a core code',
      fix: 'none',
      message: () => 'bad',
    });
    const cause = STORQ_BAD({});
    const err = caught(() =>
      callPlugin(PLUGIN, 'create', () => {
        throw cause;
      }),
    );
    expect(err.details).toMatchObject({ plugin: PLUGIN, hook: 'create', pluginCode: 'CONNECTD_ERR_INTERNAL' });
    expect(err.cause).toBe(cause);
  });

  it('wraps values that are not errors', () => {
    const err = caught(() =>
      callPlugin(PLUGIN, 'verify', () => {
        throw 'plain string';
      }),
    );
    expect(err.cause).toBe('plain string');
    expect(err.details['hook']).toBe('verify');
  });

  it('does not wrap twice for the same plugin', () => {
    const inner = caught(() =>
      callPlugin(PLUGIN, 'inner', () => {
        throw new Error('x');
      }),
    );
    const outer = caught(() =>
      callPlugin(PLUGIN, 'outer', () => {
        throw inner;
      }),
    );
    expect(outer).toBe(inner);
  });
});

describe('callPluginAsync', () => {
  it('turns a synchronous throw into a wrapped rejection', async () => {
    const cause = new Error('sync boom');
    const err = await rejected(
      callPluginAsync(PLUGIN, 'import', () => {
        throw cause;
      }),
    );
    expect(err.details).toMatchObject({ plugin: PLUGIN, hook: 'import' });
    expect(err.cause).toBe(cause);
  });

  it('resolves with the value of sync and async plugin code', async () => {
    await expect(callPluginAsync(PLUGIN, 'h', () => 1)).resolves.toBe(1);
    await expect(callPluginAsync(PLUGIN, 'h', async () => 2)).resolves.toBe(2);
  });
});

describe('wrapRuntime', () => {
  class Verifier {
    readonly #secret: string;
    readonly label = 'storq';
    constructor(secret: string) {
      this.#secret = secret;
    }
    verify(signature: string): { ok: boolean } {
      if (signature === 'explode') throw new Error('verifier bug');
      return { ok: signature === this.#secret };
    }
    async refresh(): Promise<void> {
      throw new Error('refresh failed');
    }
  }

  it('calls methods on the original object, so #private fields keep working', () => {
    const runtime = wrapRuntime(PLUGIN, 'storq/hmac', new Verifier('s3cret'));
    expect(runtime.verify('s3cret')).toEqual({ ok: true });
    expect(runtime.verify('other')).toEqual({ ok: false });
    expect(runtime.label).toBe('storq');
  });

  it('wraps every method call with hook <componentId>.<method>', async () => {
    const runtime = wrapRuntime(PLUGIN, 'storq/hmac', new Verifier('s3cret'));
    const syncErr = caught(() => runtime.verify('explode'));
    expect(syncErr.details).toMatchObject({ plugin: PLUGIN, hook: 'storq/hmac.verify' });
    expect((syncErr.cause as Error).message).toBe('verifier bug');
    const asyncErr = await rejected(runtime.refresh());
    expect(asyncErr.details).toMatchObject({ plugin: PLUGIN, hook: 'storq/hmac.refresh' });
  });

  it('wraps plain-object runtimes and keeps method identity stable', () => {
    const runtime = wrapRuntime(PLUGIN, 'storq/cursor', {
      next: (): null => {
        throw new TypeError('no page');
      },
    });
    expect(runtime.next).toBe(runtime.next);
    expect(caught(() => runtime.next()).details['hook']).toBe('storq/cursor.next');
  });
});
