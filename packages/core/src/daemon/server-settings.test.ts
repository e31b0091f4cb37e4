import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases } from '../store/testing.js';
import { startDaemon } from './compose.js';
import { readSettings } from './settings.js';

const dbs = createTestDatabases();
const dirs: string[] = [];
afterAll(async () => {
  await dbs.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on right now: the kernel picks one, then it is released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a daemon on a config whose server block is `server`, with `env`; resolves its listen URL and the public URL it announced. */
async function daemonWith(server: string, env: Record<string, string>): Promise<{ url: string; publicUrl: unknown; healthy: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'connectd-server-'));
  dirs.push(dir);
  const configPath = join(dir, 'connectors.yaml');
  writeFileSync(configPath, `version: 1\nserver:\n${server}connectors:\n  vendor:\n    base_url: https://vendor.example.com\n`);
  let logged = '';
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const fullEnv = { CONNECTD_DATA_DIR: await dbs.createDataDir(), LOG_LEVEL: 'info', ...env };
  const daemon = await startDaemon({ configPath, env: fullEnv, settings: readSettings(fullEnv), logDestination });
  try {
    const healthy = (await fetch(`${daemon.url}/healthz`)).ok;
    const running = logged
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['msg'] === 'connectd is running');
    return { url: daemon.url, publicUrl: running?.['publicUrl'], healthy };
  } finally {
    await daemon.stop();
  }
}

describe('server settings in connectors.yaml', () => {
  it('listens on server.host and server.port and announces server.public_url when the environment sets none', async () => {
    const port = await freePort();
    const started = await daemonWith(`  port: ${port}\n  host: 127.0.0.1\n  public_url: https://connect.example.com/\n`, {});
    expect(started).toEqual({ url: `http://127.0.0.1:${port}`, publicUrl: 'https://connect.example.com', healthy: true });
  });

  it('lets PORT, HOST and CONNECTD_PUBLIC_URL win over the file', async () => {
    const [filePort, envPort] = [await freePort(), await freePort()];
    const started = await daemonWith(`  port: ${filePort}\n  host: 0.0.0.0\n  public_url: https://connect.example.com\n`, {
      PORT: String(envPort),
      HOST: '127.0.0.1',
      CONNECTD_PUBLIC_URL: 'https://env.example.com',
    });
    expect(started).toEqual({ url: `http://127.0.0.1:${envPort}`, publicUrl: 'https://env.example.com', healthy: true });
  });

  it('makes the default public URL follow server.port', async () => {
    const port = await freePort();
    const started = await daemonWith(`  port: ${port}\n  host: 127.0.0.1\n`, {});
    expect(started).toEqual({ url: `http://127.0.0.1:${port}`, publicUrl: `http://localhost:${port}`, healthy: true });
  });
});
