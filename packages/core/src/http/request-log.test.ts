import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SecretValues } from '../log/index.js';
import { redactUrl } from '../log/index.js';
import { createRequestLog } from './request-log.js';

function capture(level = 'info', secrets?: SecretValues) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger({ destination, level, ...(secrets === undefined ? {} : { secrets }) }), lines: () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('createRequestLog', () => {
  it('writes one line per attempt with the redacted URL and the timings', () => {
    const { log, lines } = capture();
    const write = createRequestLog(log, 'storq:acme', redactUrl);
    write({ method: 'GET', url: 'https://a.test/x?api_key=SECRET1&page=2', attempt: 1, status: 503, durationMs: 12.345, waitedMs: 0.04, retryInMs: 250.4 });
    write({ method: 'GET', url: 'https://a.test/x', attempt: 2, error: 'ECONNRESET', durationMs: 3, waitedMs: 100 });
    const [first, second] = lines();
    expect(first).toMatchObject({
      level: 30,
      msg: 'http request',
      connection: 'storq:acme',
      method: 'GET',
      url: 'https://a.test/x?api_key=[redacted]&page=2',
      attempt: 1,
      status: 503,
      durationMs: 12.3,
      waitedMs: 0,
      retryInMs: 250,
    });
    expect(second).toMatchObject({ attempt: 2, error: 'ECONNRESET', waitedMs: 100 });
    expect(second).not.toHaveProperty('retryInMs');
    expect(JSON.stringify(lines())).not.toContain('SECRET1');
  });

  it('does nothing, not even redaction, when info is off', () => {
    const { log, lines } = capture('warn');
    let redactions = 0;
    const write = createRequestLog(log, 'c', (u) => {
      redactions++;
      return u;
    });
    write({ method: 'GET', url: 'https://a.test/', attempt: 1, status: 200, durationMs: 1, waitedMs: 0 });
    expect(lines()).toEqual([]);
    expect(redactions).toBe(0);
  });

  it('still scrubs known secret values from its lines, e.g. a key in a URL path', () => {
    const secrets = new SecretValues();
    secrets.add('pathkey-5150');
    const { log, lines } = capture('info', secrets);
    createRequestLog(log, 'c', redactUrl)({ method: 'GET', url: 'https://a.test/keys/pathkey-5150/x', attempt: 1, status: 200, durationMs: 1, waitedMs: 0 });
    expect(JSON.stringify(lines())).not.toContain('pathkey-5150');
    expect(lines()[0]!.url).toBe('https://a.test/keys/[redacted]/x');
  });
});
