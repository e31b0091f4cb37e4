import type { ErrorClassifierRuntime, OutgoingRequest, ReceivedPage } from '../connector/index.js';
import { SYNC_VENDOR_STATUS } from '../errors/index.js';
import type { HttpRequest, HttpResponse } from '../http/index.js';
import { redactUrl } from '../log/index.js';

/**
 * A stream only reads, whatever its method: a failed attempt of any page (a POST search included)
 * may be sent again unless the stream declares `request.idempotent: false`.
 */
export const STREAM_REQUESTS_IDEMPOTENT = true;

export interface PageSenderOptions {
  readonly client: { send(request: HttpRequest): Promise<HttpResponse> };
  readonly connector: string;
  readonly stream: string;
  /** `request.idempotent` as declared; undefined means {@link STREAM_REQUESTS_IDEMPOTENT}. */
  readonly idempotent?: boolean | undefined;
  /** The stream's own `error_classifier`, sent with every page in place of the connector's; undefined keeps the connector's. */
  readonly classifier?: ErrorClassifierRuntime | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Scrubs known secret values from the URL put into errors. */
  readonly redact: (text: string) => string;
}

/**
 * The walker's `send` for one stream run: every page goes through the connection's client marked
 * idempotent (so 429 and 5xx are retried there, POST or not) and with the stream's own classifier
 * when it declares one (so the client retries what it calls a throttle), and an answer of 300 or
 * more that survived the client's retries fails with CONNECTD_ERR_SYNC_VENDOR_STATUS carrying the status.
 * @example
 * const send = pageSender({ client, connector: 'square', stream: 'catalog', idempotent: stream.request.idempotent, redact });
 * const page = await send({ method: 'POST', url: 'https://connect.squareup.com/v2/catalog/search', headers: {}, body: '{}' });
 */
export function pageSender(options: PageSenderOptions): (request: OutgoingRequest) => Promise<ReceivedPage> {
  const { client, signal, classifier } = options;
  const idempotent = options.idempotent ?? STREAM_REQUESTS_IDEMPOTENT;
  return async (request) => {
    const response = await client.send({ method: request.method, url: request.url, headers: request.headers, body: request.body, idempotent, signal, classifier });
    if (response.status >= 300) {
      const url = options.redact(redactUrl(request.url));
      throw SYNC_VENDOR_STATUS({ connector: options.connector, stream: options.stream, status: response.status, url });
    }
    const body = response.body.length === 0 ? null : response.json();
    return { request, status: response.status, headers: response.headers, body };
  };
}
