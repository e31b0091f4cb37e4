import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

// One HTTP/1.1 request per socket, written byte for byte: the path reaches the server exactly as
// given (fetch would normalise `..` and re-encode it), any header may be sent (a spoofed Host, two
// Authorization lines), and an answer the server gives before it read the body is still seen.

/** What the server answered. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * How the body goes out.
 * - `whole` (default): with its `content-length`, all of it, at once.
 * - `held`: its `content-length` is declared and the body is never sent: for a body over the
 *   server's limit, which must be refused on the declared length alone.
 * - `unterminated-chunk`: `transfer-encoding: chunked`, the body as one chunk and no last chunk:
 *   for a body one byte over the limit, which the server must refuse once it read past its limit.
 *
 * The last two never write after the server may have answered, so its answer is always read: a
 * server that closes a connection with unread bytes resets it, and a client still writing then
 * loses the answer it was sent (EPIPE) however fast it reads.
 */
export type BodyMode = 'whole' | 'held' | 'unterminated-chunk';

export interface RawRequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly mode?: BodyMode;
  /** Called with every answer that carries a Location header. */
  readonly onLocation?: (request: string, status: number, location: string) => void;
}

/**
 * A bound for a server that waits for a body it should have refused (a failing server), so the
 * test fails with a message instead of its timeout; a passing server answers long before.
 */
const NO_ANSWER_BOUND_MS = 30_000;

/**
 * Sends one request to `baseUrl` on its own socket and resolves with the answer, read as soon as
 * it is complete.
 * @example
 * const answer = await sendRaw(daemon.url, 'GET', '/oauth/..%2f..%2fetc/start');
 */
export function sendRaw(baseUrl: string, method: string, path: string, options: RawRequestOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const mode = options.mode ?? 'whole';
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  const headers: Record<string, string> = { host: `${hostname}:${port}`, ...options.headers };
  if (body !== undefined) {
    if (mode === 'unterminated-chunk') headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(body.length);
  }
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  const request = `${method} ${path.slice(0, 200)}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let settled = false;
    const bound = setTimeout(() => settle(undefined, 'no answer within the bound'), NO_ANSWER_BOUND_MS);
    const settle = (answer: RawAnswer | undefined, why = 'the connection closed without an answer'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(bound);
      socket.destroy();
      if (answer === undefined) {
        reject(new Error(`${why}: ${request} (${mode} body of ${body?.length ?? 0} bytes)`));
        return;
      }
      if (answer.headers.location !== undefined) options.onLocation?.(request, answer.status, String(answer.headers.location));
      resolve(answer);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received, false);
      if (answer !== undefined) settle(answer);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => settle(parseAnswer(received, true)));
    socket.on('connect', () => {
      socket.write(head, 'latin1');
      if (body === undefined || mode === 'held') return;
      if (mode === 'unterminated-chunk') socket.write(`${body.length.toString(16)}\r\n`, 'latin1');
      socket.write(body);
    });
  });
}

/**
 * Status, headers and body of a raw HTTP/1.1 answer once it is complete (its content-length, or
 * its last chunk, arrived; else the connection `closed`); undefined before. Interim answers
 * (`100 Continue`) are skipped.
 */
export function parseAnswer(raw: Buffer, closed: boolean): RawAnswer | undefined {
  let start = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', start);
    if (end === -1) return undefined;
    const [statusLine, ...lines] = raw.subarray(start, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (status === null) return undefined;
    if (status[1]!.startsWith('1')) {
      start = end + 4;
      continue;
    }
    const headers: IncomingHttpHeaders = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const text = bodyOf(raw.subarray(end + 4), headers, closed || status[1] === '204' || status[1] === '304');
    return text === undefined ? undefined : { status: Number(status[1]), headers, text };
  }
}

function bodyOf(rest: Buffer, headers: IncomingHttpHeaders, complete: boolean): string | undefined {
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd === -1) return undefined;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (size === 0) return Buffer.concat(parts).toString('utf8');
      if (!(size > 0) || rest.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
  }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return rest.length < length ? undefined : rest.subarray(0, length).toString('utf8');
  }
  return complete ? rest.toString('utf8') : undefined;
}
