// What every step of the Square quickstart shares: where connectd keeps its data, the daemon's
// addresses, the two secrets connectd needs (made once, kept in the data folder), and how to run
// the `connectd` CLI with all of it. Not a step; the steps import it.
//
// Environment it reads (all optional):
//   CONNECTD_DATA_DIR    the embedded store's folder; default examples/square-quickstart/.connectd
//   DATABASE_URL         Postgres instead of the embedded store (the secrets stay in the folder above)
//   PORT                 the daemon's port, default 3000
//   CONNECTD_PUBLIC_URL  the daemon's address as Square's redirects and webhooks reach it;
//                        default http://127.0.0.1:$PORT
//   CONNECTD_URL         where the scripts reach the daemon themselves; default http://127.0.0.1:$PORT
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const exampleDir = import.meta.dirname;
export const repoRoot = join(exampleDir, '..', '..');
export const connectdBin = join(repoRoot, 'packages', 'core', 'bin', 'connectd.js');
/** The bundled connectors.yaml: its `square` connector is active once the five SQUARE_* variables are set. */
export const config = join(repoRoot, 'connectors.yaml');
/** The tenant the quickstart connects; its connection is `square-demo`. */
export const tenant = 'demo';
export const connectionId = `square-${tenant}`;

export const dataDir = resolve(process.env.CONNECTD_DATA_DIR || join(exampleDir, '.connectd'));
export const port = process.env.PORT || '3000';
export const publicUrl = (process.env.CONNECTD_PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
export const daemonUrl = (process.env.CONNECTD_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
/** What Square redirects the merchant's browser to after consent, and where it posts webhooks. */
export const redirectUrl = `${publicUrl}/oauth/square/callback`;
export const notificationUrl = `${publicUrl}/webhooks/square`;

/** The variables the bundled `square` connector reads; start-fake-square.mjs prints them. */
export const SQUARE_VARIABLES = ['SQUARE_BASE_URL', 'SQUARE_APPLICATION_ID', 'SQUARE_APPLICATION_SECRET', 'SQUARE_WEBHOOK_SIGNATURE_KEY', 'SQUARE_WEBHOOK_URL'];

/** Exits with a hint when a SQUARE_* variable is missing (the connector would be idle). */
export function requireSquareVariables() {
  const missing = SQUARE_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  console.error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: . examples/square-quickstart/fake-square.env (start-fake-square.mjs writes it)`);
  process.exit(1);
}

const secretsFile = join(dataDir, 'quickstart.env');

/**
 * CONNECTD_SECRET_KEY (32 random bytes, base64: what `openssl rand -base64 32` makes) encrypts the
 * merchant's OAuth tokens at rest; CONNECTD_ADMIN_TOKEN guards the daemon's /api. Both are made
 * the first time and kept in <data folder>/quickstart.env: a new key could not read the tokens
 * stored under the old one. Values already in the environment win.
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
