import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { SecretValues } from './secret-values.js';

function capture(): { stream: Writable; lines: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text };
}

describe('createLogger', () => {
  it('censors authorization headers and token fields by path', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    log.info({ headers: { authorization: 'Bearer abc.def', cookie: 'sid=1' }, access_token: 'at-1', nested: { refresh_token: 'rt-1' } }, 'call');
    expect(out.lines()).not.toMatch(/abc\.def|sid=1|at-1|rt-1/);
    expect(out.lines()).toContain('[redacted]');
  });

  it('scrubs known secret values wherever they appear, also JSON-escaped and URL-encoded', () => {
    const secrets = new SecretValues();
    secrets.add('s3cr"et/value');
    const out = capture();
    const log = createLogger({ destination: out.stream, secrets });
    log.warn({ url: `https://x.test/?key=${encodeURIComponent('s3cr"et/value')}` }, 'failed with s3cr"et/value in the message');
    log.error({ err: new Error('token s3cr"et/value rejected') }, 'boom');
    expect(out.lines()).not.toContain('s3cr');
    expect(out.lines().match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('scrubs secrets registered after the logger was created', () => {
    const secrets = new SecretValues();
    const out = capture();
    const log = createLogger({ destination: out.stream, secrets });
    secrets.add('late-token-123');
    log.child({ connector: 'x' }).info('got late-token-123');
    expect(out.lines()).not.toContain('late-token-123');
  });

  it('ignores values too short to scrub safely', () => {
    const secrets = new SecretValues();
    secrets.add('ab');
    secrets.add('');
    expect(secrets.size).toBe(0);
  });

  it('censors extra field names a plugin declares', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, secretFields: ['x-vendor-key', 'vendorSecret'] });
    log.info({ headers: { 'x-vendor-key': 'vk-1' }, vendorSecret: 'vs-1' }, 'call');
    expect(out.lines()).not.toMatch(/vk-1|vs-1/);
  });
});
