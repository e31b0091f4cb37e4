import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startDaemonProcess, tempDataDir, type DaemonProcess } from './support/daemon-process.js';

/** Known secret values; none of them may appear in anything connectd prints. */
const SECRETS = {
  CONNECTD_ADMIN_TOKEN: 'admin-tok-7d1f0c2b9e',
  STORQ_API_KEY: 'fsk_test_4c7e9a1b2d3f',
  STORQ_WEBHOOK_SECRET: 'storq-whsec-8e2a6b4c',
  SQUARE_APPLICATION_ID: 'sq0idp-app-id-public',
  SQUARE_APPLICATION_SECRET: 'sq0csp-secret-5b9d1e7f',
  SQUARE_WEBHOOK_SIGNATURE_KEY: 'sq-sigkey-3a8c6e0d',
  SHOPIFY_CLIENT_ID: 'shopify-client-id-public',
  SHOPIFY_CLIENT_SECRET: 'shpss_secret_2f4b6d8a',
};
const SECRET_VALUES = Object.entries(SECRETS)
  .filter(([name]) => !name.endsWith('_ID'))
  .map(([, value]) => value);

describe('secrets never reach the output', () => {
  let daemon: DaemonProcess | undefined;
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
  });

  it('keeps every secret out of the daemon log at trace level while it is exercised', async () => {
    daemon = await startDaemonProcess({ env: { ...SECRETS, LOG_LEVEL: 'trace', CONNECTD_DATA_DIR: tempDataDir() } });
    const auth = { authorization: `Bearer ${SECRETS.CONNECTD_ADMIN_TOKEN}` };
    expect((await fetch(`${daemon.url}/api/status`, { headers: auth })).status).toBe(200);
    const status = await (await fetch(`${daemon.url}/api/status`, { headers: auth })).text();
    expect((await fetch(`${daemon.url}/api/status`, { headers: { authorization: `Bearer ${SECRETS.STORQ_API_KEY}` } })).status).toBe(401);
    expect((await fetch(`${daemon.url}/nope?token=${SECRETS.STORQ_API_KEY}`)).status).toBe(404);
    expect((await fetch(`${daemon.url}/healthz`, { headers: { cookie: `s=${SECRETS.SHOPIFY_CLIENT_SECRET}` } })).status).toBe(200);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    // The active connector got its HTTP runtime: one implicit connection with a closed breaker.
    expect(metrics).toMatch(/^connectd_breaker_state\{connection="storq:storq"\} 0$/m);
    expect(status).toMatch(/"connections":\[\{"connector":"storq","id":"storq","tenant":"default","state":"ready","breaker":"closed","status":"active"\}/);

    const output = daemon.output();
    expect(output).toMatch(/"msg":"connectd is running"/);
    // The storq connector is active because its variables are set; its config was read.
    expect(status).toMatch(/"name":"storq","state":"active"/);
    for (const secret of SECRET_VALUES) {
      expect(output, `daemon output contains ${secret.slice(0, 6)}…`).not.toContain(secret);
      expect(status).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });

  it('keeps every secret out of validate and status output', async () => {
    const env = { ...SECRETS, CONNECTD_DATA_DIR: tempDataDir(), PORT: '1' };
    const validate = await runCli(['validate'], env);
    const status = await runCli(['status', '--json'], env);
    expect(validate.code).toBe(0);
    expect(status.code).toBe(0);
    for (const secret of SECRET_VALUES) {
      expect(validate.stdout + validate.stderr).not.toContain(secret);
      expect(status.stdout + status.stderr).not.toContain(secret);
    }
  });
});
