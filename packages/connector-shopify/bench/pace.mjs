#!/usr/bin/env node
// Benchmark of Shopify pacing (issue 12, item 6): how close one connectd process comes to the
// fastest sync a shop's rate budget allows, and whether it is ever refused. Two syncs, each through
// `connectd sync shopify … --connection …` as a child process (the daemon's job path, one process)
// against the fake Shopify (`@connectd/connector-shopify/testing`, in this process), each on a
// fresh fake (a freshly filled bucket) and a fresh store, the connection stored as a finished
// consent leaves it (shop in its config, an expiring offline token encrypted):
//
//   REST     `shopify/rest`, stream `products`: exactly 400 requests (400 × page-size products,
//            one variant each). The fake's leaky bucket holds 40 calls and leaks 20/s (Shopify's
//            Basic plan leaks 2/s, which makes the minimum 180 s; `--rest-leak 2` runs that).
//            The call-limit header carries the level and size, not the leak rate, so the bench's
//            connectors.yaml (`extends: shopify/rest`, written under node_modules/ so the plugin
//            resolves, deleted after) declares the plan: `rate: 20/s`, `adapter.leak_per_second: 20`,
//            and the page size (`limit`, default 5: at 20 calls/s a call has 50 ms, and the fake's
//            products page costs time in proportion to the whole shop on the same CPU).
//            Minimum: the k-th accepted call cannot come before (k − size) / leak after the first
//            (the bucket starts empty), so the last of n: (n − size) / leak.
//   GraphQL  `shopify/graphql` through the bundled connectors.yaml, every stream (locations,
//            variants, inventory per location, orders), against a points bucket of 1000 restoring
//            500/s, with enough data that the points spent are about ten times the bucket.
//            Minimum: query k needs its requested cost available and every earlier query took its
//            actual cost (the fake charges the requested cost and refunds the difference at once),
//            so it cannot come before (Σ_{j<k} actual_j + requested_k − initial) / restore after
//            the first; the minimum is the largest of these, from the costs the fake recorded. For
//            the last query: (total actual − initial + requested_last − actual_last) / restore.
//
// Elapsed is measured at the fake, from the first Admin API request to the last (what the budget
// constrains); the child's wall time (start-up, store, shutdown included) is printed beside it,
// and how far behind its earliest possible time a few requests came (where the time went). Before
// each run the fake's code paths are warmed on a shop of their own (its own buckets), so its JIT
// is not counted against the sync. Prints each elapsed time, its ratio to the minimum (the
// baseline, computed from the same run), the request count and the 429 / THROTTLED counts.
// Target: ≤ 105% of the minimum, zero 429, zero THROTTLED, one process. The rows landed are
// checked against the fake's data.
//
// `tsc -b && node packages/connector-shopify/bench/pace.mjs [--only rest|graphql] [--page-size 5]
//   [--rest-leak 20] [--graphql-restore 500] [--store pglite|postgres]`
// Store: a fresh embedded PGlite folder; Postgres (a fresh database, dropped after) with
// `--store postgres` or when TEST_DATABASE_URL is set (the server of TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/test).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createLogger, openStore } from '@connectd/core';
import { createTestDatabases, createVault, parseKeyRing, saveConnection, saveTokenSet } from '@connectd/core/testing';
import { shopifyGraphqlPreset } from '../dist/index.js';
import { startFakeShopify } from '../dist/testing/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const connectdBin = join(repoRoot, 'packages/core/bin/connectd.js');
const bundledConfig = join(repoRoot, 'connectors.yaml');
const SECRET_KEY = randomBytes(32).toString('base64');
const TARGET_RATIO = 1.05;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const REST_REQUESTS = 400;
const REST_BUCKET = 40;
const REST_LEAK = Number(option('rest-leak', 20));
const PAGE_SIZE = Number(option('page-size', 5));
const GRAPHQL_MAXIMUM = 1000;
const GRAPHQL_RESTORE = Number(option('graphql-restore', 500));
const STORE = option('store', process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
const ONLY = option('only', undefined);

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });
const dbs = createTestDatabases({ postgresUrl: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', log: silent });

/** A fresh store for one sync: env for the child, and how to open it here once the child is gone. */
async function freshStore() {
  if (STORE === 'postgres') {
    const databaseUrl = await dbs.createPostgresDatabase();
    return { env: { DATABASE_URL: databaseUrl }, open: () => openStore({ databaseUrl, dataDir: tmpdir(), log: silent }) };
  }
  const dataDir = await dbs.createDataDir();
  return { env: { CONNECTD_DATA_DIR: dataDir }, open: () => openStore({ dataDir, log: silent }) };
}

async function withStore(target, fn) {
  const store = await target.open();
  try {
    return await fn(store.db, store);
  } finally {
    await store.close();
  }
}

/** Stores the shop's connection as a finished consent would: shop in the config, an expiring offline token encrypted. */
async function connect(target, shop, connectionId) {
  const issued = shop.issueTokens({ kind: 'expiring' });
  const vault = createVault(parseKeyRing({ CONNECTD_SECRET_KEY: SECRET_KEY }));
  await withStore(target, async (db, store) => {
    await store.migrate();
    await db.transaction(async (tx) => {
      await saveConnection(tx, { id: connectionId, connector: 'shopify', tenantId: 'bench', config: { shop: shop.domain }, vendorAccountId: shop.domain });
      await saveTokenSet(tx, vault, connectionId, {
        accessToken: issued.access_token,
        refreshToken: issued.refresh_token,
        expiresAt: new Date(Date.now() + (issued.expires_in ?? 3600) * 1000),
        extra: {},
      });
    });
  });
}

/** Runs `connectd <args>` to completion with only the given environment (and PATH, HOME). */
function runConnectd(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [connectdBin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

function shopifyEnv(fake, target) {
  return {
    ...target.env,
    SHOPIFY_CLIENT_ID: fake.clientId,
    SHOPIFY_CLIENT_SECRET: fake.clientSecret,
    SHOPIFY_SHOP_URL: `${fake.url}/{shop}`,
    CONNECTD_SECRET_KEY: SECRET_KEY,
  };
}

const WARM_UP_SHOP = 'warm-up.myshopify.com';
const WARM_UP_ROUNDS = 3;

/**
 * Runs the fake's code paths a few times on a shop of their own (own buckets, own data), so the
 * measured run meets a warm fake, as it would meet Shopify: the fake's first GraphQL answer
 * otherwise takes up to a second of JIT in this process, all of it counted against the sync.
 */
async function warmUpFake(fake, kind) {
  const shop = fake.addShop(WARM_UP_SHOP, { seed: { locations: 1, products: 60, maxVariantsPerProduct: 2, orders: 20 } });
  const token = shop.issueTokens({ kind: 'expiring' }).access_token;
  const api = `${shop.url}/admin/api/2025-10`;
  const send = async (url, init = {}) => {
    const response = await fetch(url, { ...init, headers: { 'x-shopify-access-token': token, 'content-type': 'application/json', ...init.headers } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`warm-up: ${url} answered ${response.status}`);
  };
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    if (kind === 'rest') {
      await send(`${api}/locations.json`);
      for (let page = 0; page < 10; page++) await send(`${api}/products.json?limit=${PAGE_SIZE}`);
      continue;
    }
    shop.setGraphqlBucket({ maximumAvailable: 100_000, restoreRate: 100_000 });
    const location = `gid://shopify/Location/${shop.locations()[0].id}`;
    for (const stream of Object.values(shopifyGraphqlPreset.config.streams)) {
      const { query, variables } = stream.request.graphql;
      const filled = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' && value.includes('{partition}') ? location : value]));
      await send(`${api}/graphql.json`, { method: 'POST', body: JSON.stringify({ query, variables: filled }) });
    }
  }
  fake.clearRequests();
}

/** The Admin API requests of the measured shop, in arrival order, with the span from the first to the last. */
function adminRequests(fake, domain) {
  const requests = fake.requests.filter((r) => r.shop === domain && (r.kind === 'rest' || r.kind === 'graphql'));
  const first = requests[0]?.request.arrivedAt ?? 0;
  const last = requests.at(-1)?.request.arrivedAt ?? 0;
  return { requests, spanSeconds: (last - first) / 1000 };
}

/**
 * REST: the k-th accepted call (1-based; a 429 adds nothing to the bucket) cannot come before
 * (k − size) / leak after the first, the bucket being empty at the first.
 */
function restMinimum(requests, size, leak) {
  let k = 0;
  const earliest = requests.map((r) => (r.rateLimited ? null : Math.max(0, ++k - size) / leak));
  return { seconds: Math.max(0, k - size) / leak, earliest, formula: `(${k} calls − ${size} bucket) / ${leak}/s` };
}

/**
 * GraphQL: query k cannot come before (Σ_{j<k} actual_j + requested_k − initial) / restore after
 * the first (it needs its requested cost available; the earlier ones took their actual cost); the
 * minimum is the largest of these. Costs as the fake recorded them; THROTTLED answers took nothing.
 */
function graphqlMinimum(requests, initial, restore) {
  let spent = 0;
  let worst = { need: 0, at: 0, before: 0, requested: 0 };
  const earliest = requests.map((r, k) => {
    if (r.requestedCost === null || r.throttled) return null;
    const need = spent + r.requestedCost - initial;
    if (need >= worst.need) worst = { need, at: k, before: spent, requested: r.requestedCost };
    spent += r.actualCost ?? 0;
    return Math.max(0, need) / restore;
  });
  return {
    seconds: worst.need / restore,
    earliest,
    spent,
    formula: `(${worst.before} points spent before query ${worst.at + 1}/${requests.length} + ${worst.requested} it requested − ${initial} initially available) / ${restore}/s`,
  };
}

/** How far each request came after its earliest possible time, at a few points of the run: where the time went. */
function behind(requests, earliest) {
  const first = requests[0]?.request.arrivedAt ?? 0;
  const lateMs = requests.map((r, k) => (earliest[k] === null ? null : r.request.arrivedAt - first - earliest[k] * 1000));
  const points = [1, Math.round(requests.length * 0.1), Math.round(requests.length * 0.5), requests.length - 1].filter((k, i, all) => k >= 1 && all.indexOf(k) === i);
  return points.map((k) => `#${k + 1} ${lateMs[k] === null ? '-' : `${Math.round(lateMs[k])} ms`}`).join(', ');
}

async function rowCounts(target, connectionId) {
  return withStore(target, async (db) => {
    const count = async (table) => (await db.query(`select count(*)::int as n from connectd.${table} where connection_id = $1`, [connectionId])).rows[0].n;
    return { stores: await count('stores'), products: await count('products'), inventory_levels: await count('inventory_levels'), orders: await count('orders') };
  });
}

function checkLanded(name, landed, expected) {
  const wrong = Object.entries(expected).filter(([table, n]) => landed[table] !== n);
  if (wrong.length > 0) throw new Error(`${name}: landed ${JSON.stringify(landed)}, expected ${JSON.stringify(expected)}`);
}

async function benchRest() {
  const domain = 'pace-rest.myshopify.com';
  const products = REST_REQUESTS * PAGE_SIZE;
  const fake = await startFakeShopify({
    seed: 12,
    shops: [{ domain, seed: { locations: 1, fulfillmentServiceLocation: false, products, maxVariantsPerProduct: 1, customers: 0, orders: 0 } }],
    restBucketSize: REST_BUCKET,
    restLeakPerSecond: REST_LEAK,
  });
  // Inside the repository, so `extends: shopify/rest` resolves the plugin as the bundled file does.
  const dir = join(repoRoot, 'node_modules', `.connectd-bench-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'connectors.yaml');
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        version: 1,
        plugins: ['@connectd/connector-shopify'],
        connectors: {
          shopify: {
            extends: 'shopify/rest',
            base_url: '${SHOPIFY_SHOP_URL}/admin/api/{version}',
            auth: {
              authorize_url: '${SHOPIFY_SHOP_URL}/admin/oauth/authorize',
              token_url: '${SHOPIFY_SHOP_URL}/admin/oauth/access_token',
              client_id: '${SHOPIFY_CLIENT_ID}',
              client_secret: '${SHOPIFY_CLIENT_SECRET}',
              callback_check: { secret: '${SHOPIFY_CLIENT_SECRET}' },
              revoke: { url: '${SHOPIFY_SHOP_URL}/admin/api/2025-10/api_permissions/current.json' },
            },
            webhooks: { verify: { secret: '${SHOPIFY_CLIENT_SECRET}' } },
            // The shop's plan: the header reports the level and size, not the leak rate.
            rate_limit: { rate: `${REST_LEAK}/s`, burst: REST_BUCKET, adapter: { leak_per_second: REST_LEAK } },
            streams: { products: { request: { query: { limit: PAGE_SIZE } } } },
          },
        },
      },
      null,
      2,
    )}\n`,
  );
  const target = await freshStore();
  try {
    await connect(target, fake.shop(domain), 'shopify-rest');
    await warmUpFake(fake, 'rest');
    const run = await runConnectd(['sync', 'shopify', 'products', '--connection', 'shopify-rest', '--config', config], shopifyEnv(fake, target));
    if (run.code !== 0) throw new Error(`REST sync exited ${run.code}:\n${run.output}`);
    const { requests, spanSeconds } = adminRequests(fake, domain);
    checkLanded('REST', await rowCounts(target, 'shopify-rest'), { products });
    return {
      name: 'REST',
      workload: `stream products, ${products} products × 1 variant, ${PAGE_SIZE} a page; bucket ${REST_BUCKET} leaking ${REST_LEAK}/s`,
      requests: requests.length,
      requestList: requests,
      rest429: requests.filter((r) => r.rateLimited).length,
      throttled: requests.filter((r) => r.throttled).length,
      spanSeconds,
      wallSeconds: run.seconds,
      minimum: restMinimum(requests, REST_BUCKET, REST_LEAK),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  }
}

async function benchGraphql() {
  const domain = 'pace-graphql.myshopify.com';
  const fake = await startFakeShopify({
    seed: 12,
    shops: [{ domain, seed: { locations: 2, fulfillmentServiceLocation: true, products: 300, maxVariantsPerProduct: 3, customers: 20, orders: 150 } }],
    graphqlMaximumAvailable: GRAPHQL_MAXIMUM,
    graphqlRestoreRate: GRAPHQL_RESTORE,
    ordersWindowDays: null,
  });
  const shop = fake.shop(domain);
  const target = await freshStore();
  try {
    await connect(target, shop, 'shopify-graphql');
    await warmUpFake(fake, 'graphql');
    const initial = shop.throttleStatus().currentlyAvailable;
    const run = await runConnectd(['sync', 'shopify', '--connection', 'shopify-graphql', '--config', bundledConfig], shopifyEnv(fake, target));
    if (run.code !== 0) throw new Error(`GraphQL sync exited ${run.code}:\n${run.output}`);
    const { requests, spanSeconds } = adminRequests(fake, domain);
    checkLanded('GraphQL', await rowCounts(target, 'shopify-graphql'), {
      stores: shop.locations().length,
      products: shop.variants().length,
      inventory_levels: shop.levels().length,
      orders: shop.orders().length,
    });
    const minimum = graphqlMinimum(requests, initial, GRAPHQL_RESTORE);
    return {
      name: 'GraphQL',
      workload:
        `every stream: ${shop.locations().length} locations, ${shop.variants().length} variants, ${shop.levels().length} levels, ${shop.orders().length} orders; ` +
        `bucket ${GRAPHQL_MAXIMUM} restoring ${GRAPHQL_RESTORE}/s; ${minimum.spent} points spent (${(minimum.spent / GRAPHQL_MAXIMUM).toFixed(1)}× the bucket)`,
      requests: requests.length,
      requestList: requests,
      rest429: requests.filter((r) => r.rateLimited).length,
      throttled: requests.filter((r) => r.throttled).length,
      spanSeconds,
      wallSeconds: run.seconds,
      minimum,
    };
  } finally {
    await fake.close();
  }
}

function report(result) {
  const ratio = result.spanSeconds / result.minimum.seconds;
  const met = ratio <= TARGET_RATIO && result.rest429 === 0 && result.throttled === 0;
  console.log(`  ${result.name}: ${result.workload}`);
  console.log(`    minimum ${result.minimum.seconds.toFixed(2)} s = ${result.minimum.formula}`);
  console.log(
    `    elapsed ${result.spanSeconds.toFixed(2)} s (first to last request at the fake): ${(100 * ratio).toFixed(1)}% of the minimum; ` +
      `${result.requests} requests, ${result.rest429} × 429, ${result.throttled} × THROTTLED`,
  );
  console.log(`    behind the earliest possible time: ${behind(result.requestList, result.minimum.earliest)}`);
  console.log(`    process wall time ${result.wallSeconds.toFixed(2)} s (${(100 * (result.wallSeconds / result.minimum.seconds)).toFixed(1)}% of the minimum; start-up, store and shutdown included)`);
  console.log(`    target ≤${Math.round(TARGET_RATIO * 100)}%, zero 429, zero THROTTLED: ${met ? 'met' : 'missed'}`);
}

// Timing on a shared machine: the load says how much CPU the child and the fake had to themselves.
const load = () => loadavg()[0].toFixed(1);
console.log(`shopify pace bench: one connectd process (\`connectd sync\`) against the fake Shopify, store ${STORE}; ${availableParallelism()} CPUs, load average ${load()}`);
try {
  if (ONLY !== 'graphql') report(await benchRest());
  if (ONLY !== 'rest') report(await benchGraphql());
  console.log(`  load average at the end: ${load()}`);
} finally {
  await dbs.dispose();
}
