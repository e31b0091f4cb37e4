import { isConnectdError, type ConnectdError } from '../errors/index.js';

/**
 * The coded error a promise rejects with, for tests that assert codes. Fails the test when the
 * promise resolves or rejects with something that is not a connectd error.
 * @example
 * expect((await rejectionOf(client.send(request))).code).toBe('CONNECTD_ERR_HTTP_BREAKER_OPEN');
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<ConnectdError> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value) ?? 'undefined'}`);
  if (!isConnectdError(outcome.error)) throw new Error(`expected a connectd error, got ${String(outcome.error)}`);
  return outcome.error;
}
