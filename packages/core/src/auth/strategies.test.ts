import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentContext, OutgoingRequest, TokenProvider } from '../connector/index.js';
import { INTERNAL, isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { apiKeyAuth, basicAuth, bearerAuth, oauth2Auth, withHeader } from './index.js';

interface Arrived {
  url: string;
  headers: IncomingHttpHeaders;
}

let server: Server;
let origin: string;
const arrived: Arrived[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    arrived.push({ url: req.url ?? '', headers: req.headers });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends a request as the transport will, and returns what the server saw. */
async function send(request: OutgoingRequest): Promise<Arrived> {
  const before = arrived.length;
  const res = await fetch(request.url, { method: request.method, headers: request.headers });
  await res.text();
  expect(arrived.length).toBe(before + 1);
  return arrived[before]!;
}

function context(extra: Partial<ComponentContext> = {}): { ctx: ComponentContext; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const ctx: ComponentContext = { log: createLogger({ destination }), signal: new AbortController().signal, now: () => new Date(), ...extra };
  return { ctx, lines };
}

const frozen = (request: OutgoingRequest): OutgoingRequest => Object.freeze({ ...request, headers: Object.freeze({ ...request.headers }) });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isConnectdError(err) ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
};

describe('api_key auth', () => {
  it('sends the key, with its prefix, in any named header and leaves the input request as it was', async () => {
    const input = frozen({ method: 'GET', url: `${origin}/items`, headers: { accept: 'application/json' } });
    const auth = apiKeyAuth.create({ name: 'X-Storq-Key', value: 'k-123456', prefix: 'Token ' }, context().ctx);
    const signed = await auth.authorize(input);
    expect((await send(signed)).headers['x-storq-key']).toBe('Token k-123456');
    expect(input.headers).toEqual({ accept: 'application/json' });
    expect(signed.headers['accept']).toBe('application/json');
  });

  it('replaces a header of the same name in another letter case instead of sending two', async () => {
    const auth = apiKeyAuth.create({ in: 'header', name: 'X-Api-Key', value: 'new-key' }, context().ctx);
    const signed = await auth.authorize({ method: 'GET', url: `${origin}/a`, headers: { 'x-api-key': 'old-key' } });
    expect(Object.keys(signed.headers)).toEqual(['X-Api-Key']);
    expect((await send(signed)).headers['x-api-key']).toBe('new-key');
  });

  it('sends the key as a query parameter, keeping the other parameters exactly as written', async () => {
    const auth = apiKeyAuth.create({ in: 'query', name: 'api_key', value: 'k/+ 1' }, context().ctx);
    const signed = await auth.authorize({ method: 'GET', url: `${origin}/s?q=a%20b&api_key=stale&x=~y#frag`, headers: {} });
    const seen = await send(signed);
    expect(seen.url).toBe('/s?q=a%20b&api_key=k%2F%2B%201&x=~y');
    expect(new URL(seen.url, origin).searchParams.get('api_key')).toBe('k/+ 1');
  });

  it('refuses a header name that is not an HTTP token and a key with a line break', () => {
    const { ctx } = context();
    expect(codeOf(() => apiKeyAuth.create({ name: 'X Api Key', value: 'k' }, ctx))).toBe('CONNECTD_ERR_AUTH_INVALID_HEADER');
    expect(codeOf(() => apiKeyAuth.create({ name: 'X-Key', value: 'k-123\n' }, ctx))).toBe('CONNECTD_ERR_AUTH_INVALID_HEADER');
  });
});

describe('bearer auth', () => {
  it('sends Authorization: Bearer <token>, replacing a declared authorization header', async () => {
    const auth = bearerAuth.create({ token: 'tok-abcdef' }, context().ctx);
    const signed = await auth.authorize({ method: 'GET', url: `${origin}/b`, headers: { authorization: 'Basic old' } });
    expect((await send(signed)).headers.authorization).toBe('Bearer tok-abcdef');
  });

  it('refuses an empty token, which would otherwise go out as a bare "Bearer "', () => {
    expect(codeOf(() => bearerAuth.create({ token: '' }, context().ctx))).toBe('CONNECTD_ERR_AUTH_INVALID_HEADER');
  });
});

describe('basic auth', () => {
  it('sends base64 of username:password, UTF-8 encoded', async () => {
    const auth = basicAuth.create({ username: 'shop-user', password: 'pässwörd:with:colons' }, context().ctx);
    const header = (await send(await auth.authorize({ method: 'GET', url: `${origin}/c`, headers: {} }))).headers.authorization!;
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')).toBe('shop-user:pässwörd:with:colons');
  });

  it('refuses a username with a colon, which the server would split at', () => {
    expect(codeOf(() => basicAuth.create({ username: 'a:b', password: 'p' }, context().ctx))).toBe(
      'CONNECTD_ERR_AUTH_BASIC_USERNAME_COLON',
    );
  });
});

/** An in-test token source: refresh swaps the token, and every call is counted. */
class FakeTokens implements TokenProvider {
  token = 'access-token-1';
  gets = 0;
  refreshes = 0;
  rejected: Array<string | undefined> = [];
  failWith: unknown;
  async getAccessToken(): Promise<string> {
    this.gets++;
    if (this.failWith !== undefined) throw this.failWith;
    return this.token;
  }
  async refresh(rejectedToken?: string): Promise<string> {
    this.refreshes++;
    this.rejected.push(rejectedToken);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.failWith !== undefined) throw this.failWith;
    this.token = `access-token-${this.refreshes + 1}`;
    return this.token;
  }
}

const OAUTH = { token_url: 'https://vendor.test/oauth/token', client_id: 'cid', authorize_url: 'https://vendor.test/oauth/authorize' };

describe('oauth2 auth', () => {
  it("sends the provider's token, and after refresh() the new one", async () => {
    const tokens = new FakeTokens();
    const { ctx, lines } = context({ tokens, connection: { id: 'conn-1', tenant: 't1', config: {} } });
    const auth = oauth2Auth.create(OAUTH, ctx);
    const request = { method: 'GET', url: `${origin}/o`, headers: {} };
    expect((await send(await auth.authorize(request))).headers.authorization).toBe('Bearer access-token-1');
    await auth.refresh!();
    expect(tokens.refreshes).toBe(1);
    expect((await send(await auth.authorize(request))).headers.authorization).toBe('Bearer access-token-2');
    expect(lines.join('')).toContain('refreshed');
    expect(lines.join('')).not.toContain('access-token');
  });

  it('uses the configured header and prefix, including an empty prefix', async () => {
    const auth = oauth2Auth.create({ ...OAUTH, header: 'X-Shop-Access-Token', prefix: '' }, context({ tokens: new FakeTokens() }).ctx);
    const signed = await auth.authorize({ method: 'GET', url: `${origin}/p`, headers: { authorization: 'keep-me' } });
    const seen = await send(signed);
    expect(seen.headers['x-shop-access-token']).toBe('access-token-1');
    expect(seen.headers.authorization).toBe('keep-me');
  });

  it('shares one provider refresh among concurrent callers (several 401s at once)', async () => {
    const tokens = new FakeTokens();
    const auth = oauth2Auth.create(OAUTH, context({ tokens }).ctx);
    await Promise.all([auth.refresh!(), auth.refresh!(), auth.refresh!()]);
    expect(tokens.refreshes).toBe(1);
    await auth.refresh!();
    expect(tokens.refreshes).toBe(2);
  });

  it('tells the provider which token the vendor rejected, read from the rejected request', async () => {
    const tokens = new FakeTokens();
    const auth = oauth2Auth.create({ ...OAUTH, header: 'X-Shop-Access-Token', prefix: 'Token ' }, context({ tokens }).ctx);
    const rejected = await auth.authorize({ method: 'GET', url: `${origin}/r`, headers: {} });
    await auth.refresh!(rejected);
    await auth.refresh!();
    expect(tokens.rejected).toEqual(['access-token-1', undefined]);
  });

  it('cannot be created without a token provider', () => {
    const { ctx } = context({ connection: { id: 'conn-9', tenant: 't', config: {} } });
    expect(codeOf(() => oauth2Auth.create(OAUTH, ctx))).toBe('CONNECTD_ERR_AUTH_NO_TOKEN_PROVIDER');
  });

  it('wraps a plain provider failure in a coded error with the cause, and passes coded ones through', async () => {
    const tokens = new FakeTokens();
    const auth = oauth2Auth.create(OAUTH, context({ tokens }).ctx);
    const request = { method: 'GET', url: `${origin}/f`, headers: {} };
    const plain = new Error('token endpoint said 400');
    tokens.failWith = plain;
    const wrapped = await auth.authorize(request).catch((err: unknown) => err);
    expect(isConnectdError(wrapped, 'CONNECTD_ERR_AUTH_TOKEN_FAILED')).toBe(true);
    expect((wrapped as Error).cause).toBe(plain);
    await expect(auth.refresh!()).rejects.toMatchObject({ code: 'CONNECTD_ERR_AUTH_TOKEN_FAILED' });
    const coded = INTERNAL({ message: 'vault down' });
    tokens.failWith = coded;
    await expect(auth.authorize(request)).rejects.toBe(coded);
  });

  it('refuses an empty token or one with a line break instead of sending it', async () => {
    const tokens = new FakeTokens();
    const auth = oauth2Auth.create(OAUTH, context({ tokens }).ctx);
    const request = { method: 'GET', url: `${origin}/e`, headers: {} };
    tokens.token = '';
    await expect(auth.authorize(request)).rejects.toMatchObject({ code: 'CONNECTD_ERR_AUTH_TOKEN_FAILED' });
    tokens.token = 'abc\r\nX-Injected: 1';
    await expect(auth.authorize(request)).rejects.toMatchObject({ code: 'CONNECTD_ERR_AUTH_TOKEN_FAILED' });
  });
});

describe('withHeader', () => {
  it('keeps a header literally named __proto__ as a plain key', () => {
    const out = withHeader({ method: 'GET', url: 'http://127.0.0.1/', headers: {} }, '__proto__', 'x');
    expect(Object.getPrototypeOf(out.headers)).toBe(Object.prototype);
    expect(Object.keys(out.headers)).toEqual(['__proto__']);
  });
});
