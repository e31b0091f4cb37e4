/**
 * A webhook fuzzer: malformed requests of many kinds, written as raw bytes over loopback (so even
 * broken HTTP can be sent), one connection each, with bounded concurrency. Used by the in-process
 * suite (webhooks-intake-fuzz.test.ts) and the `connectd run` one (webhooks-fuzz.test.ts).
 *
 * Every request is either unsigned, wrongly signed, or a correctly signed body that is not JSON: a
 * correct server answers each with a 4xx and stores nothing in the inbox.
 */
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { seededRandom } from './seeded-random.js';

/** The connector the fuzzer targets: hex HMAC-SHA256 of the body in `Storq-Signature`. */
export interface FuzzTarget {
  readonly host: string;
  readonly port: number;
  /** Connector key, posted at /webhooks/<connector>. */
  readonly connector: string;
  readonly secret: string;
  /** Its body limit in bytes (default 1 MiB). */
  readonly bodyLimitBytes?: number;
}

export interface FuzzCase {
  readonly kind: string;
  readonly bytes: Buffer;
  /** Deliberately malformed HTTP: the server may close the socket without an answer. */
  readonly mayDrop: boolean;
  /** Half-close after writing (a body shorter than declared). */
  readonly halfClose?: boolean;
}

export interface FuzzResult {
  readonly kind: string;
  /** Status of the answer, or undefined when the socket closed without one. */
  readonly status: number | undefined;
  readonly mayDrop: boolean;
  readonly error?: string;
}

const CRLF = '\r\n';

function request(method: string, path: string, headers: Array<[string, string]>, body: Buffer | string = ''): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(head.join(CRLF) + CRLF + CRLF, 'latin1'), payload]);
}

/** Builds `count` malformed requests against `target`, from `seed`. */
export function fuzzCases(target: FuzzTarget, count: number, seed = 1): FuzzCase[] {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const sign = (body: Buffer | string): string => createHmac('sha256', target.secret).update(body).digest('hex');
  const path = `/webhooks/${target.connector}`;
  const limit = target.bodyLimitBytes ?? 1024 * 1024;
  const event = (i: number): string => JSON.stringify({ id: `evt_${seed}_${i}`, type: 'stock.updated', data: { object: { sku: `SKU-${i}`, quantity: i } } });
  const json = (len: number): Array<[string, string]> => [['Content-Type', 'application/json'], ['Content-Length', String(len)]];

  const makers: Array<[weight: number, make: (i: number) => FuzzCase]> = [
    [10, () => {
      const body = bytes(int(4096) + 1);
      return { kind: 'random bytes, random signature', bytes: request('POST', path, [...json(body.length), ['Storq-Signature', bytes(32).toString('hex')]], body), mayDrop: false };
    }],
    [6, () => {
      const body = bytes(int(2048) + 1);
      return { kind: 'random bytes, no signature', bytes: request('POST', path, json(body.length), body), mayDrop: false };
    }],
    [10, (i) => {
      const full = event(i);
      const body = full.slice(0, 1 + int(full.length - 1));
      return { kind: 'truncated JSON, signed', bytes: request('POST', path, [...json(Buffer.byteLength(body)), ['Storq-Signature', sign(body)]], body), mayDrop: false };
    }],
    [6, (i) => {
      const full = event(i);
      const body = full.slice(0, 1 + int(full.length - 1));
      return { kind: 'truncated JSON, unsigned', bytes: request('POST', path, json(Buffer.byteLength(body)), body), mayDrop: false };
    }],
    [8, (i) => {
      const body = event(i);
      const signature = pick([
        '',
        'sha256=' + sign(body),
        sign(body).toUpperCase().slice(1),
        sign(body) + '00',
        createHmac('sha256', target.secret).update(body).digest('base64'),
        sign(body + ' '),
        ','.repeat(int(500) + 1),
        `${bytes(32).toString('hex')},${bytes(32).toString('hex')}`,
        'zz'.repeat(32),
        sign(JSON.stringify(JSON.parse(body), null, 2)),
      ]);
      return { kind: 'bad signature', bytes: request('POST', path, [...json(Buffer.byteLength(body)), ['Storq-Signature', signature]], body), mayDrop: false };
    }],
    [6, (i) => {
      const body = event(i);
      const type = pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', '*/*', 'invalid', ';;;', 'a/b; c', '']);
      return {
        kind: 'wrong content type',
        bytes: request('POST', path, [['Content-Type', type], ['Content-Length', String(Buffer.byteLength(body))], ['Storq-Signature', sign(body + 'x')]], body),
        mayDrop: false,
      };
    }],
    [6, () => {
      const headers: Array<[string, string]> = pick([[['Content-Length', '0']], [], [['Content-Type', 'application/json'], ['Content-Length', '0'], ['Storq-Signature', sign('')]]]);
      return { kind: 'empty body', bytes: request('POST', path, headers), mayDrop: false };
    }],
    [4, (i) => {
      const body = event(i);
      const big = 'x'.repeat(8_000 + int(6_000));
      return { kind: 'huge header under the limit', bytes: request('POST', path, [...json(Buffer.byteLength(body)), ['X-Padding', big], ['Storq-Signature', sign('other')]], body), mayDrop: false };
    }],
    [3, (i) => {
      const body = event(i);
      // Over Node's 16 KiB header limit: 431, and the socket is closed right after.
      const big = 'y'.repeat(17_000 + int(20_000));
      return { kind: 'huge header over the limit', bytes: request('POST', path, [...json(Buffer.byteLength(body)), ['X-Padding', big]], body), mayDrop: true };
    }],
    [8, (i) => {
      const body = event(i);
      const method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      const bodyless = method === 'GET' || method === 'HEAD';
      return { kind: 'wrong method', bytes: bodyless ? request(method, path, []) : request(method, path, json(Buffer.byteLength(body)), body), mayDrop: false };
    }],
    [8, (i) => {
      const body = event(i);
      const odd = pick([
        '/webhooks/unknown',
        '/webhooks/',
        '/webhooks',
        `${path}/extra`,
        '/webhooks/%00',
        '/webhooks/..%2f..%2fetc',
        `/webhooks/${'a'.repeat(2000 + int(4000))}`,
        `//webhooks/${target.connector}`,
        `/webhooks/${target.connector.toUpperCase()}`,
        `${path}?x=${bytes(8).toString('hex')}`,
        '/webhooks/%E2%82%AC',
        '/api/dead-letters/replay',
      ]);
      return { kind: 'odd path', bytes: request('POST', odd, [...json(Buffer.byteLength(body)), ['Storq-Signature', sign(body + '!')]], body), mayDrop: false };
    }],
    [3, () => {
      // Declares more than the limit: refused before the body is read.
      return { kind: 'oversize body (declared)', bytes: request('POST', path, [['Content-Type', 'application/json'], ['Content-Length', String(limit + 1 + int(1_000_000))]], bytes(1024)), mayDrop: false };
    }],
    [1, () => {
      // Chunked past the limit: the parser stops reading at the limit.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const chunks: Buffer[] = [];
      for (let sent = 0; sent <= limit; sent += chunk.length) chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from(CRLF));
      chunks.push(Buffer.from(`0${CRLF}${CRLF}`));
      return { kind: 'oversize body (chunked)', bytes: request('POST', path, [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], Buffer.concat(chunks)), mayDrop: true };
    }],
    [5, (i) => {
      const body = event(i);
      const headers: Array<[string, string]> = pick([
        [['Content-Length', 'abc']],
        [['Content-Length', '10'], ['Content-Length', '20']],
        [['Content-Length', String(Buffer.byteLength(body))], ['Transfer-Encoding', 'chunked']],
        [['Content-Length', '-1']],
        [['Transfer-Encoding', 'gzip, chunked, identity']],
        [['Content-Length', String(Buffer.byteLength(body) - 5)]],
      ]);
      return { kind: 'malformed framing', bytes: request('POST', path, headers, body), mayDrop: true };
    }],
    [4, () => ({ kind: 'garbage request', bytes: Buffer.concat([bytes(int(512) + 1), Buffer.from(CRLF + CRLF)]), mayDrop: true })],
    [3, (i) => {
      const body = event(i);
      return { kind: 'body shorter than declared', bytes: request('POST', path, [['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(body) + 100)]], body), mayDrop: true, halfClose: true };
    }],
  ];
  const total = makers.reduce((sum, [w]) => sum + w, 0);
  return Array.from({ length: count }, (_, i) => {
    let roll = random() * total;
    for (const [weight, make] of makers) {
      roll -= weight;
      if (roll < 0) return make(i);
    }
    return makers[0]![1](i);
  });
}

/** Sends one case on its own connection; resolves with the status of the answer (if any). */
export function send(host: string, port: number, fuzz: FuzzCase, timeoutMs = 10_000): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let error: string | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, 32).toString('latin1'));
      resolve({ kind: fuzz.kind, status: match === null ? undefined : Number(match[1]), mayDrop: fuzz.mayDrop, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => {
      error = 'timeout';
      finish();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      // The status line is all that is needed; the rest of the answer is discarded.
      if (received.length < 64) received = Buffer.concat([received, chunk]);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', finish);
    socket.on('end', finish);
    socket.write(fuzz.bytes, () => {
      if (fuzz.halfClose === true) socket.end();
    });
  });
}

/** Sends every case with at most `concurrency` connections open. */
export async function runFuzz(host: string, port: number, cases: readonly FuzzCase[], concurrency = 32): Promise<FuzzResult[]> {
  const results: FuzzResult[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await send(host, port, cases[i]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Results that break the promise: a 5xx, a non-4xx answer, or no answer to well-formed HTTP. */
export function violations(results: readonly FuzzResult[]): FuzzResult[] {
  return results.filter((r) => (r.status === undefined ? !r.mayDrop : r.status < 400 || r.status >= 500));
}

/** Counts of answers per kind and status, for a failure message. */
export function summary(results: readonly FuzzResult[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const row = (table[r.kind] ??= {});
    const key = r.status === undefined ? `dropped${r.error === undefined ? '' : `(${r.error})`}` : String(r.status);
    row[key] = (row[key] ?? 0) + 1;
  }
  return table;
}
