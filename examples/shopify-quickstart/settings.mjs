// What every step of the Shopify quickstart shares: the shop it connects, where connectd keeps its
// data, the daemon's addresses, the two secrets connectd needs (made once, kept in the data
// folder), and how to run the `connectd` CLI with all of it. Not a step; the steps import it.
//
// Environment it reads (all optional):
//   QUICKSTART_SHOP      the shop to connect (its myshopify.com domain); default acme-tea.myshopify.com,
//                        the shop the fake starts with. Only the quickstart reads it: connectd takes
//                        the shop from the consent link (`--param shop=…`).
//   CONNECTD_DATA_DIR    the embedded store's folder; default examples/shopify-quickstart/.connectd
//   DATABASE_URL         Postgres instead of the embedded store (the secrets stay in the folder above)
//   PORT                 the daemon's port, default 3000
//   CONNECTD_PUBLIC_URL  the daemon's address as Shopify's redirects and webhooks reach it;
//                        default http://127.0.0.1:$PORT
//   CONNECTD_URL         where the scripts reach the daemon themselves; default http://127.0.0.1:$PORT
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const exampleDir = import.meta.dirname;
export const repoRoot = join(exampleDir, '..', '..');
export const connectdBin = join(repoRoot, 'packages', 'core', 'bin', 'connectd.js');
/** The bundled connectors.yaml: its `shopify` connector is active once SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET are set. */
export const config = join(repoRoot, 'connectors.yaml');
/** The tenant the quickstart connects; its connection is `shopify-demo`. */
export const tenant = 'demo';
export const connectionId = `shopify-${tenant}`;
/** The shop the fake starts with, seeded the same every run. */
export const DEFAULT_SHOP = 'acme-tea.myshopify.com';
export const shop = (process.env.QUICKSTART_SHOP || DEFAULT_SHOP).toLowerCase();

export const dataDir = resolve(process.env.CONNECTD_DATA_DIR || join(exampleDir, '.connectd'));
export const port = process.env.PORT || '3000';
export const publicUrl = (process.env.CONNECTD_PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
export const daemonUrl = (process.env.CONNECTD_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
/** What Shopify redirects the merchant's browser to after the install page (an allowed redirection URL of the app). */
export const redirectUrl = `${publicUrl}/oauth/shopify/callback`;
/** Where the app's webhook subscriptions deliver (the `uri` of shopify.app.toml's subscriptions). */
export const notificationUrl = `${publicUrl}/webhooks/shopify`;

/** The variables the bundled `shopify` connector needs; start-fake-shopify.mjs prints them (and SHOPIFY_SHOP_URL). */
export const SHOPIFY_VARIABLES = ['SHOPIFY_CLIENT_ID', 'SHOPIFY_CLIENT_SECRET'];

/** Exits with a hint when a required SHOPIFY_* variable is missing (the connector would be idle). */
export function requireShopifyVariables() {
  const missing = SHOPIFY_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  console.error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: . examples/shopify-quickstart/fake-shopify.env (start-fake-shopify.mjs writes it)`);
  process.exit(1);
}

/** The shop's origin, as connectd builds it from SHOPIFY_SHOP_URL (default `https://{shop}`). */
export function shopOrigin(domain = shop) {
  return (process.env.SHOPIFY_SHOP_URL || 'https://{shop}').replaceAll('{shop}', domain).replace(/\/+$/, '');
}

const secretsFile = join(dataDir, 'quickstart.env');

/**
 * CONNECTD_SECRET_KEY (32 random bytes, base64: what `openssl rand -base64 32` makes) encrypts the
 * shop's OAuth tokens at rest; CONNECTD_ADMIN_TOKEN guards the daemon's /api. Both are made the
 * first time and kept in <data folder>/quickstart.env: a new key could not read the tokens stored
 * under the old one. Values already in the environment win.
 */
export function secrets() {
  mkdirSync(dataDir, { recursive: true });
  const made = `export CONNECTD_SECRET_KEY=${randomBytes(32).toString('base64')}\nexport CONNECTD_ADMIN_TOKEN=${randomBytes(16).toString('hex')}\n`;
  try {
    // 'wx': never overwrite a kept key, even when two steps start at once.
    writeFileSync(secretsFile, made, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
  }
  const kept = Object.fromEntries(
    readFileSync(secretsFile, 'utf8')
      .split('\n')
      .map((line) => /^export (\w+)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((match) => [match[1], match[2]]),
  );
  return {
    CONNECTD_SECRET_KEY: process.env.CONNECTD_SECRET_KEY || kept.CONNECTD_SECRET_KEY,
    CONNECTD_ADMIN_TOKEN: process.env.CONNECTD_ADMIN_TOKEN || kept.CONNECTD_ADMIN_TOKEN,
    file: secretsFile,
  };
}

/** The environment of every connectd command of the quickstart. */
export function connectdEnv() {
  const { CONNECTD_SECRET_KEY, CONNECTD_ADMIN_TOKEN } = secrets();
  return {
    ...process.env,
    CONNECTD_DATA_DIR: dataDir,
    CONNECTD_SECRET_KEY,
    CONNECTD_ADMIN_TOKEN,
    CONNECTD_PUBLIC_URL: publicUrl,
    PORT: port,
    HOST: process.env.HOST || '127.0.0.1',
  };
}

/** Where the data is, in words. */
export function storeDescription() {
  return process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : `the embedded store in ${dataDir}`;
}

/**
 * Runs `connectd <args>` on the bundled config with {@link connectdEnv}, echoing its output;
 * resolves its exit code and what it printed on stdout.
 */
export function connectd(args) {
  console.log(`$ connectd ${args.join(' ')} --config ${relative(process.cwd(), config) || config}`);
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [connectdBin, ...args, '--config', config], { cwd: repoRoot, env: connectdEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', (err) => {
      console.error(`cannot run connectd: ${err.message}`);
      resolvePromise({ code: null, stdout });
    });
    child.on('close', (code) => resolvePromise({ code, stdout }));
  });
}

/** The admin API of the running daemon: GET `path` as JSON, or exits saying why not. */
export async function adminGet(path, timeoutMs = 10_000) {
  const url = `${daemonUrl}/api${path}`;
  let response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${secrets().CONNECTD_ADMIN_TOKEN}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    console.error(`no answer from ${url}: ${err.message} (is start-daemon.mjs running?)`);
    process.exit(1);
  }
  if (response.status !== 200) {
    console.error(`${url} answered ${response.status}: ${await response.text()}`);
    process.exit(1);
  }
  return response.json();
}
