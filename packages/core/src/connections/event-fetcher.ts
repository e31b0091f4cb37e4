import { CONNECTION_UNAVAILABLE } from '../errors/index.js';
import type { EventFetcher } from '../webhooks/index.js';
import type { ConnectionRuntimes } from './runtime-set.js';

/**
 * Sends webhook events' follow-up fetches through the HTTP runtime of the event's connection, so
 * a fetch gets the connection's auth (and token refresh), pace, retries and breaker like a sync.
 * A connection that does not run here rejects with CONNECTD_ERR_CONNECTION_UNAVAILABLE: the
 * event is retried later, when it may.
 * @example
 * const processor = new InboxProcessor({ ..., fetcher: createEventFetcher(engine.runtimes) });
 */
export function createEventFetcher(runtimes: ConnectionRuntimes): EventFetcher {
  return {
    async fetch(connector, connection, render) {
      const runtime = runtimes.get(connector, connection.id);
      if (runtime === undefined) {
        const reason = runtimes.unavailable().find((u) => u.connectionId === connection.id)?.reason ?? 'it does not run in this daemon';
        throw CONNECTION_UNAVAILABLE({ connector, connection: connection.id, reason });
      }
      const request = render(runtime.templateValues);
      const response = await runtime.client.send(request);
      if (response.status < 200 || response.status >= 300) return { ok: false, status: response.status };
      return { ok: true, body: response.body.length === 0 ? null : response.json() };
    },
  };
}
