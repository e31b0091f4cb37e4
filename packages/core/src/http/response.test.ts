import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { BufferedResponse, toReceivedPage } from './response.js';

const request = { method: 'GET', url: 'https://a.test/x', headers: {} };

describe('BufferedResponse', () => {
  it('parses JSON once and reads text', () => {
    const res = new BufferedResponse(200, {}, Buffer.from('{"a":[1]}'), () => 'https://a.test/x');
    expect(res.json()).toEqual({ a: [1] });
    expect(res.json()).toBe(res.json());
    expect(res.text()).toBe('{"a":[1]}');
  });

  it('reports a body that is not JSON with a coded error naming the redacted URL', () => {
    const res = new BufferedResponse(502, {}, Buffer.from('<html>'), () => 'https://a.test/x?token=[redacted]');
    let caught: unknown;
    try {
      res.json();
    } catch (err) {
      caught = err;
    }
    expect(isConnectdError(caught, 'CONNECTD_ERR_HTTP_RESPONSE_NOT_JSON')).toBe(true);
    expect((caught as { details: { url: string } }).details.url).toBe('https://a.test/x?token=[redacted]');
  });
});

describe('toReceivedPage', () => {
  it('parses the body only when a component reads it, falling back to text', () => {
    let parsed = 0;
    const res = new BufferedResponse(200, { 'x-a': '1' }, Buffer.from('{"ok":true}'), () => '');
    const json = res.json.bind(res);
    res.json = <T>() => {
      parsed++;
      return json<T>();
    };
    const page = toReceivedPage(request, res);
    expect(page.headers['x-a']).toBe('1');
    expect(parsed).toBe(0);
    expect(page.body).toEqual({ ok: true });
    expect(page.body).toEqual({ ok: true });
    expect(parsed).toBe(1);
    expect(toReceivedPage(request, new BufferedResponse(200, {}, Buffer.from('plain'), () => '')).body).toBe('plain');
  });
});
