import { HTTP_INVALID_URL } from '../errors/index.js';
import { redactUrl } from '../log/index.js';
import type { Dispatcher } from 'undici';
import type { OutgoingRequest } from '../connector/index.js';

const ORIGIN_AND_PATH = /^(https?:\/\/[^/?#]+)([^#]*)/i;

/** Splits an absolute http(s) URL into undici's origin and path, or undefined when it is not one. */
export function splitUrl(url: string): { origin: string; path: string } | undefined {
  const match = ORIGIN_AND_PATH.exec(url);
  if (match === null) return undefined;
  const rest = match[2] as string;
  return { origin: match[1] as string, path: rest.startsWith('/') ? rest : `/${rest}` };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface SendOptions {
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly bodyLimitBytes: number;
  readonly signal?: AbortSignal | undefined;
  /** Builds the error thrown when the body exceeds the limit (it knows the connection and URL). */
  readonly tooLarge: () => Error;
}

const EMPTY = Buffer.alloc(0);

/** Drops a body unread. undici reports the destroy as an 'error' event, which nobody else listens to. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * One attempt on the wire: sends through the dispatcher and reads the whole body, within the body
 * limit. Network errors and timeouts are thrown as undici raises them; the retry layer reads
 * their codes.
 */
export async function sendOnce(dispatcher: Dispatcher, request: OutgoingRequest, options: SendOptions): Promise<RawResponse> {
  const target = splitUrl(request.url);
  // Checked before sending; an auth plugin may still have rewritten the URL.
  if (target === undefined) throw HTTP_INVALID_URL({ url: redactUrl(request.url) });
  const response = await dispatcher.request({
    origin: target.origin,
    path: target.path,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body ?? null,
    signal: options.signal,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
  if (request.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
    // No body by definition, whatever content-length says (HEAD repeats the GET's length).
    await response.body.dump();
    return { status: response.statusCode, headers: response.headers, body: EMPTY };
  }
  const length = response.headers['content-length'];
  const declared = typeof length === 'string' && length !== '' ? Number(length) : -1;
  if (declared > options.bodyLimitBytes) {
    discard(response.body);
    throw options.tooLarge();
  }
  if (declared >= 0) {
    // A declared length within the limit: undici's consumer reads it in one go (faster than async
    // iteration) and fails the request if the body runs past what was declared.
    const body = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > options.bodyLimitBytes) {
      discard(response.body);
      throw options.tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  const body = chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  return { status: response.statusCode, headers: response.headers, body };
}
