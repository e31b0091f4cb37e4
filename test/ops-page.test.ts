import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createFakeRecordsVendor, createTestDatabases, fakeProducts, reply, startFakeOAuthProvider, storeBackends, waitFor, type FakeOAuthProvider, type FakeRecordsVendor } from '@connectd/core/testing';
import { launchChromium, requireChromium, type HeadlessBrowser } from './support/browser.js';
import { repoRoot, startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { freshTarget } from './support/sync-project.js';

// Issue 18 acceptance (the page): a real daemon with three connectors in the states an operator
// looks for, produced through real paths, and the page driven in headless Chromium. `acme` (OAuth)
// connects through a connect session, then its tokens are revoked: the next run gets 401, the
// refresh invalid_grant, and the connection needs re-consent. `shop` maps two records whose price
// is not a number: two dead letters, whose payloads carry a secret-named field and a secret value.
// `flaky` answers 503 until its breaker opens. The page is logged into, screenshotted at desktop
// and phone widths, checked through locators, and used: a reconnect link, a replay after the
// mapping was fixed (config hot reload). No response the browser or the test received holds a secret.
// The store is Postgres when TEST_DATABASE_URL is set (as in CI: its daemon starts faster), else PGlite.

const ADMIN_TOKEN = 'adm1n-ops-page-test-5e1c9a';
const CLIENT_SECRET = 'cs-ops-page-test-8b2d71f0';
const SHOP_TOKEN = 'shop-t0ken-ops-page-4f0a2b';
const SECRET_KEY = randomBytes(32).toString('base64');
const EVERY_2_SECONDS = '*/2 * * * * *';
const ARTIFACTS = join(repoRoot, 'test/artifacts');
const SCREENSHOTS = join(repoRoot, 'docs/screenshots');

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function config(oauth: FakeOAuthProvider, shop: FakeRecordsVendor, flaky: FakeRecordsVendor, priceMap: string): Record<string, unknown> {
  const products = (path: string) => ({ request: { path }, records: '$.products', entity: 'product', schedule: EVERY_2_SECONDS });
  return {
    version: 1,
    connectors: {
      acme: {
        base_url: oauth.apiUrl,
        auth: { type: 'oauth2', authorize_url: oauth.authorizeUrl, token_url: oauth.tokenUrl, client_id: oauth.clientId, client_secret: '${ACME_CLIENT_SECRET}', scopes: ['items.read'] },
        streams: { items: { request: { path: '/items' }, records: '$.items', entity: 'product', schedule: EVERY_2_SECONDS, map: '{ "sku": "acme-" & sku, "name": name, "price": $number(price), "vendor_id": id }' } },
      },
      shop: {
        base_url: shop.url,
        auth: { type: 'bearer', token: '${SHOP_TOKEN}' },
        rate_limit: { rate: '20/s', burst: 5 },
        streams: { products: { ...products('/products'), incremental: { cursor_field: 'updated_at', param: 'updated_since' }, map: `{ "sku": sku, "name": name, "price": ${priceMap}, "vendor_id": $string(id), "vendor_updated_at": updated_at }` } },
      },
      flaky: {
        base_url: flaky.url,
        auth: { type: 'bearer', token: '${SHOP_TOKEN}' },
        retry: { max_attempts: 1 },
        breaker: { failure_threshold: 1, cooldown_seconds: 600 },
        streams: { orders: { ...products('/products'), map: '{ "sku": "flaky-" & sku, "name": name, "price": $number(price) }' } },
      },
    },
  };
}

async function api<T>(daemon: DaemonProcess, path: string): Promise<{ text: string; body: T }> {
  const response = await fetch(`${daemon.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, body: JSON.parse(text) as T };
}

interface Status {
  connections: Array<{ id: string; status?: string; breaker?: string }>;
  streams: Array<{ connection: string; stream: string; deadLetters: number; lastRun: { result: string } | null }>;
  config?: { revision: string; lastReload?: { outcome: string } };
}

/** Connects tenant `acme-co` through a connect session, the fake's consent page and the callback. */
async function connectAcme(daemon: DaemonProcess, oauth: FakeOAuthProvider): Promise<void> {
  const made = await fetch(`${daemon.url}/api/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ connector: 'acme', tenant: 'acme-co', connection: 'acme-co' }),
  });
  expect(made.status).toBe(201);
  const link = new URL(((await made.json()) as { url: string }).url);
  const start = await fetch(`${daemon.url}${link.pathname}${link.search}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const back = new URL(await oauth.visitAuthorizeUrl(start.headers.get('location')!));
  expect((await fetch(`${daemon.url}${back.pathname}${back.search}`)).status).toBe(200);
}

/** Saves a screenshot as an artefact (and for the README when asked); a phone shows its first screen. */
async function screenshot(page: Page, name: string, fullPage: boolean): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const image = await page.screenshot({ fullPage });
  writeFileSync(join(ARTIFACTS, `${name}.png`), image);
  if (process.env['CONNECTD_UPDATE_SCREENSHOTS'] === '1') {
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, `${name}.png`), image);
  }
}

/** The key elements, at whatever width the page has now. */
async function expectKeyElements(page: Page, letters: number): Promise<void> {
  const acme = page.locator('#connections tr[data-connection="acme-co"]');
  await expect.poll(() => acme.locator('.badge-needs_reauth').isVisible()).toBe(true);
  expect(await acme.getByRole('button', { name: 'Reconnect link' }).isVisible()).toBe(true);
  expect(await page.locator('#streams tr[data-stream="shop/products"] .dead-letters').textContent()).toBe(String(letters));
  expect(await page.locator('#dead-letters tr[data-stream="shop/products"]').count()).toBe(letters);
  expect(await page.locator('#breakers tr[data-connection="flaky"] .badge-open').isVisible()).toBe(true);
  expect(await page.locator('#intake figure.chart').count()).toBe(6);
}

describe('the operations page in headless Chromium', () => {
  it('logs in, shows needs_reauth with a reconnect link, dead letters and an open breaker, replays one, and leaks no secret', async () => {
    requireChromium();
    const oauth = await startFakeOAuthProvider({ clientSecret: CLIENT_SECRET, accessTokenTtlSeconds: null });
    cleanups.push(() => oauth.close());
    const records = fakeProducts(6);
    // Two records the mapping cannot price; each carries a secret-named field and a known secret value.
    for (const bad of [records[1]!, records[2]!]) Object.assign(bad, { price: 'n/a', api_key: 'k_live_should_be_censored', note: `pasted ${SHOP_TOKEN} by mistake` });
    const shop = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: SHOP_TOKEN, records });
    const flaky = await createFakeRecordsVendor({ path: '/products', recordsKey: 'products', token: SHOP_TOKEN, records: fakeProducts(2) });
    flaky.failNext(...Array.from({ length: 200 }, () => reply.status(503)));
    cleanups.push(() => shop.close(), () => flaky.close());
    const path = join(mkdtempSync(join(tmpdir(), 'connectd-ops-page-')), 'connectors.yaml');
    const write = (priceMap: string): void => writeFileSync(path, `${JSON.stringify(config(oauth, shop, flaky, priceMap), null, 2)}\n`);
    write('$number(price)');
    const target = await freshTarget(storeBackends().at(-1)!, dbs);
    const daemon = await startDaemonProcess({
      config: path,
      env: { ...target.env, CONNECTD_ADMIN_TOKEN: ADMIN_TOKEN, CONNECTD_SECRET_KEY: SECRET_KEY, ACME_CLIENT_SECRET: CLIENT_SECRET, SHOP_TOKEN, CONNECTD_WORKER_POLL_MS: '100' },
    });
    cleanups.push(() => daemon.stop('SIGKILL'));

    await connectAcme(daemon, oauth);
    await waitFor('acme to sync once with its token', async () => (await api<Status>(daemon, '/api/status')).body.streams.some((s) => s.connection === 'acme-co' && s.lastRun?.result === 'succeeded'), { timeoutMs: 15_000 });
    oauth.revokeRefreshTokens();
    oauth.expireAccessTokens();
    const states = async (): Promise<Status> => (await api<Status>(daemon, '/api/status')).body;
    await waitFor('acme to need re-consent, shop to have 2 dead letters, flaky to open its breaker', async () => {
      const status = await states();
      return (
        status.connections.some((c) => c.id === 'acme-co' && c.status === 'needs_reauth') &&
        status.streams.some((s) => s.connection === 'shop' && s.deadLetters === 2) &&
        status.connections.some((c) => c.id === 'flaky' && c.breaker === 'open')
      );
    }, { timeoutMs: 20_000 });

    const browser: HeadlessBrowser = await launchChromium({ width: 1280, height: 900 });
    cleanups.push(() => browser.close());
    const bodies: Array<Promise<string>> = [];
    const page = await browser.context.newPage();
    const consoleErrors: string[] = [];
    // What the CSP refused and what the page's script threw (a 401 of the login page is no error).
    page.on('console', (message) => void (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text()) && consoleErrors.push(message.text())));
    page.on('pageerror', (error) => void consoleErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() < 300 || response.status() >= 400) bodies.push(response.text().catch(() => ''));
    });

    // Login: the form, a wrong token refused, the right one lets in.
    await page.goto(`${daemon.url}/`);
    expect(page.url()).toBe(`${daemon.url}/ui`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('not the admin token');
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#panels').waitFor();
    const [cookie] = await browser.context.cookies();
    expect(cookie).toMatchObject({ name: 'connectd_ui', httpOnly: true, sameSite: 'Strict', path: '/ui' });

    await expectKeyElements(page, 2);
    // The payload view: secret-named fields censored, the known secret value scrubbed.
    const payload = await page.locator('#dead-letters pre.payload').first().textContent();
    expect(payload).toContain('"api_key": "[redacted]"');
    expect(payload).toContain('"price": "n/a"');
    expect(payload).not.toContain(SHOP_TOKEN);
    await screenshot(page, 'ops-page-desktop', true);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectKeyElements(page, 2);
    await screenshot(page, 'ops-page-phone', false);
    await page.setViewportSize({ width: 1280, height: 900 });

    // A reconnect link for acme: a fresh connect session, shown in its row.
    await page.locator('#connections tr[data-connection="acme-co"]').getByRole('button', { name: 'Reconnect link' }).click();
    const link = await page.locator('#connections tr[data-connection="acme-co"] .connect-link a').getAttribute('href');
    expect(link).toMatch(/\/oauth\/acme\/start\?session=/);

    // Fix the mapping (the daemon reloads its config), then replay one letter: the count drops.
    const revision = (await states()).config?.revision;
    write('price = "n/a" ? 0 : $number(price)');
    await waitFor('the fixed config to be applied', async () => {
      const config = (await states()).config;
      return config?.revision !== revision && config?.lastReload?.outcome === 'applied';
    }, { timeoutMs: 15_000 });
    // The refresh script ran (under the CSP) and swapped the panels in place.
    await page.locator('#panels[data-refreshed]').waitFor({ timeout: 10_000 });
    await page.goto(`${daemon.url}/ui`);
    await page.locator('#dead-letters tr[data-stream="shop/products"]').first().getByRole('button', { name: 'Replay' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Replayed 1 dead letter.');
    expect(await page.locator('#streams tr[data-stream="shop/products"] .dead-letters').textContent()).toBe('1');
    expect(await page.locator('#dead-letters tr[data-stream="shop/products"]').count()).toBe(1);

    // A form without the CSRF token, with the session cookie, is refused.
    const forged = await fetch(`${daemon.url}/ui/replay`, {
      method: 'POST',
      headers: { cookie: `connectd_ui=${cookie!.value}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=1',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('CONNECTD_ERR_DAEMON_UI_REFUSED');

    // Nothing the browser or the test received holds a secret.
    const fragment = await fetch(`${daemon.url}/ui/fragment`, { headers: { cookie: `connectd_ui=${cookie!.value}` } });
    const received = [...(await Promise.all(bodies)), await fragment.text(), (await api(daemon, '/api/status')).text, (await api(daemon, '/api/connections')).text];
    const secrets = [ADMIN_TOKEN, CLIENT_SECRET, SHOP_TOKEN, SECRET_KEY, 'k_live_should_be_censored', ...oauth.validAccessTokens(), ...oauth.validRefreshTokens()];
    for (const text of received) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/fa[tc]_[A-Za-z0-9_-]{8}|frt_[A-Za-z0-9_-]{8}/);
    }
    expect(received.length).toBeGreaterThan(5);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
