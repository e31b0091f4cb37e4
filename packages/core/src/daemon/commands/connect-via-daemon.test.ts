import { afterEach, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { createFakeHttpServer, reply, type FakeHttpServer } from '../../testing/fake-http-server.js';
import { daemonAddresses, sessionFromDaemon } from './connect-via-daemon.js';

const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fakeDaemon(answer: Parameters<FakeHttpServer['route']>[2]): Promise<FakeHttpServer> {
  const server = await createFakeHttpServer();
  servers.push(server);
  return server.route('POST', '/api/connect-sessions', answer);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isConnectdError(err)) return err.code;
  throw new Error(`expected a coded rejection, got ${String(err)}`);
}

const request = { connector: 'square', tenant: 'acme', params: {}, expiresInSeconds: 600 };

describe('connectd connect beside a daemon holding the embedded store', () => {
  it('asks only loopback addresses: a loopback public URL, then 127.0.0.1:PORT', () => {
    expect(daemonAddresses({ publicUrl: 'http://127.0.0.1:4123/', port: 3000 })).toEqual(['http://127.0.0.1:4123', 'http://127.0.0.1:3000']);
    expect(daemonAddresses({ publicUrl: 'https://connect.example.com', port: 3000 })).toEqual(['http://127.0.0.1:3000']);
    expect(daemonAddresses({ publicUrl: 'http://localhost:3000', port: 0 })).toEqual(['http://localhost:3000']);
  });

  it("takes the daemon's session, sending the request with the admin bearer", async () => {
    const daemon = await fakeDaemon(reply.json({ url: 'http://127.0.0.1:1/oauth/square/start?session=a.b', token: 'a.b', expires_at: '2030-01-01T00:00:00.000Z', connection: 'square-acme' }, 201));
    const issued = await sessionFromDaemon({ publicUrl: daemon.url, port: 0, adminToken: 'adm' }, request, '/data');
    expect(issued).toEqual({ url: 'http://127.0.0.1:1/oauth/square/start?session=a.b', token: 'a.b', expiresAt: new Date('2030-01-01T00:00:00.000Z'), connectionId: 'square-acme' });
    const [sent] = daemon.requests;
    expect(sent!.headers['authorization']).toBe('Bearer adm');
    expect(sent!.json()).toEqual({ connector: 'square', tenant: 'acme', params: {}, expires_in: 600 });
  });

  it("passes on the daemon's refusal of the request with its code, and says why when no daemon would answer", async () => {
    const refusing = await fakeDaemon(reply.json({ code: 'CONNECTD_ERR_OAUTH_START_INVALID', message: 'parameter "shop" is required' }, 400));
    const err = await sessionFromDaemon({ publicUrl: refusing.url, port: 0, adminToken: 'adm' }, request, '/data').catch((e: unknown) => e);
    expect(isConnectdError(err, 'CONNECTD_ERR_OAUTH_START_INVALID') && err.exitCode).toBe(2);

    const otherToken = await fakeDaemon(reply.json({ code: 'CONNECTD_ERR_DAEMON_UNAUTHORIZED', message: 'no' }, 401));
    expect(await codeOf(sessionFromDaemon({ publicUrl: otherToken.url, port: 0, adminToken: 'adm' }, request, '/data'))).toBe('CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE');
    expect(await codeOf(sessionFromDaemon({ publicUrl: 'http://127.0.0.1:1', port: 0, adminToken: 'adm' }, request, '/data'))).toBe('CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE');
    const noToken = await fakeDaemon(reply.json({}, 201));
    expect(await codeOf(sessionFromDaemon({ publicUrl: noToken.url, port: 0, adminToken: undefined }, request, '/data'))).toBe('CONNECTD_ERR_OAUTH_SESSION_DAEMON_UNREACHABLE');
    expect(noToken.requests).toHaveLength(0);
  });
});
