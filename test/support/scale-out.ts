import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { PRODUCTS_MAP } from './sync-project.js';

// The project and helpers of the scale-out suite (issue 14): several `connectd run` children on one
// Postgres, each naming itself to the fake vendor in a header, so the fake's log says which daemon
// sent what.

export const WEBHOOK_SECRET = 'whsec-scale-out-4f1d9c2b7e';
export const SCALE_ADMIN_TOKEN = 'adm1n-t0ken-for-scale-out-3e8a';
/** The header each daemon sends with its name (the fake's client header). */
export const DAEMON_HEADER = 'x-client';

export interface ScaleProjectOptions {
  readonly vendorUrl: string;
  /** The declared budget of the `metered` connector. */
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Streams read once on demand (a collection each, same name). */
  readonly streams: readonly string[];
  /** A stream run by cron, with its schedule. */
  readonly cron?: { readonly stream: string; readonly schedule: string };
  /** The breaker of the `metered` connector, when the suite drives it. */
  readonly breaker?: { readonly failureThreshold: number; readonly cooldownSeconds: number };
  /** An action `ping` (GET /ping), invoked through the admin API of the daemon the test picks. */
  readonly ping?: boolean;
}

function streamConfig(name: string, schedule?: string): Record<string, unknown> {
  return {
    request: { path: `/${name}` },
    records: '$.items',
    pagination: { type: 'cursor', path: '$.next_cursor', param: 'cursor' },
    entity: 'product',
    map: PRODUCTS_MAP,
    ...(schedule === undefined ? {} : { schedule }),
  };
}

/**
 * Writes connectors.yaml (JSON is YAML): `metered`, the rate-limited fake's connector (its implicit
 * connection `metered`, every request naming the daemon), and `storq`, signed webhook intake.
 */
export function writeScaleProject(options: ScaleProjectOptions): string {
  const streams: Record<string, unknown> = Object.fromEntries(options.streams.map((name) => [name, streamConfig(name)]));
  if (options.cron !== undefined) streams[options.cron.stream] = streamConfig(options.cron.stream, options.cron.schedule);
  const config = {
    version: 1,
    connectors: {
      metered: {
        base_url: options.vendorUrl,
        headers: { [DAEMON_HEADER]: '${DAEMON_NAME}' },
        rate_limit: { rate: `${options.ratePerSecond}/s`, burst: options.burst },
        ...(options.breaker === undefined
          ? {}
          : { breaker: { failure_threshold: options.breaker.failureThreshold, cooldown_seconds: options.breaker.cooldownSeconds }, retry: { max_attempts: 1 } }),
        streams,
        ...(options.ping === true ? { actions: { ping: { request: { method: 'GET', path: '/ping' } } } } : {}),
      },
      storq: {
        base_url: 'http://127.0.0.1:9/api',
        webhooks: {
          verify: { type: 'hmac', header: 'Storq-Signature', algorithm: 'sha256', encoding: 'hex', secret: '${STORQ_WEBHOOK_SECRET}' },
          event_id: '$.id',
          event_type: '$.type',
          events: { 'stock.updated': { entity: 'inventory_level', map: '{ "product": data.object.sku, "quantity": data.object.quantity }' } },
        },
      },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'connectd-scale-'));
  const path = join(dir, 'connectors.yaml');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Starts `count` daemons named d1..dN on one database, one after the other (the first migrates). */
export async function startDaemons(count: number, config: string, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<DaemonProcess[]> {
  const daemons: DaemonProcess[] = [];
  for (let i = 1; i <= count; i++) {
    const env = {
      DATABASE_URL: databaseUrl,
      DAEMON_NAME: `d${i}`,
      STORQ_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CONNECTD_ADMIN_TOKEN: SCALE_ADMIN_TOKEN,
      ...extraEnv,
    };
    daemons.push(await startDaemonProcess({ env, config }));
  }
  return daemons;
}

/** A signed storq `stock.updated` delivery: event `id`, setting `sku` to `quantity`. */
export function signedDelivery(id: string, sku: string, quantity: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ id, type: 'stock.updated', data: { object: { sku, quantity } } });
  return { body, headers: { 'content-type': 'application/json', 'storq-signature': createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex') } };
}

/** Posts one delivery; the status, or undefined when no answer came (the daemon is gone). */
export async function postDelivery(url: string, delivery: { body: string; headers: Record<string, string> }): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/webhooks/storq`, { method: 'POST', body: delivery.body, headers: delivery.headers, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

/** Invokes `metered.ping` through one daemon's admin API; the HTTP status and the body's code. */
export async function invokePing(url: string): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${url}/api/actions/metered/ping`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SCALE_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}
