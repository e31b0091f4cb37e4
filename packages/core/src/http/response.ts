import type { OutgoingRequest, ReceivedPage } from '../connector/index.js';
import { HTTP_RESPONSE_NOT_JSON } from '../errors/index.js';
import { parseJson } from '../json/index.js';
import type { HttpResponse } from './types.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** A fully read response. `json()` parses once and caches, since pagination and mapping both ask. */
export class BufferedResponse implements HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly #describeUrl: () => string;
  #parsed: { value: unknown } | undefined;

  /** `describeUrl` gives the redacted URL, for error messages only (computed when needed). */
  constructor(status: number, headers: Headers, body: Buffer, describeUrl: () => string) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.#describeUrl = describeUrl;
  }

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(): T {
    if (this.#parsed === undefined) {
      try {
        this.#parsed = { value: parseJson(this.text()) };
      } catch (err) {
        throw HTTP_RESPONSE_NOT_JSON(
          { url: this.#describeUrl(), status: this.status, detail: (err as Error).message },
          { cause: err },
        );
      }
    }
    return this.#parsed.value as T;
  }
}

/**
 * The response as plugin components (classifiers, rate-limit adapters) see it. The body is parsed
 * only if a component reads it: most adapters read headers only, and parsing every page twice
 * would show in the benchmark. A body that is not JSON is handed over as text.
 */
export function toReceivedPage(request: OutgoingRequest, response: HttpResponse): ReceivedPage {
  let body: { value: unknown } | undefined;
  return {
    request,
    status: response.status,
    headers: response.headers,
    get body(): unknown {
      if (body === undefined) {
        try {
          body = { value: response.json() };
        } catch {
          body = { value: response.text() };
        }
      }
      return body.value;
    },
  };
}
