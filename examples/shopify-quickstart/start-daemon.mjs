#!/usr/bin/env node
// Step 2 of the Shopify quickstart: `connectd run` on the bundled connectors.yaml, whose `shopify`
// connector (extends: shopify/graphql) the SHOPIFY_* variables point at the fake Shopify.
//
//   . examples/shopify-quickstart/fake-shopify.env
//   node examples/shopify-quickstart/start-daemon.mjs
//
// It is `connectd run` with the quickstart's environment (settings.mjs): the embedded store in
// examples/shopify-quickstart/.connectd (CONNECTD_DATA_DIR), CONNECTD_SECRET_KEY and
// CONNECTD_ADMIN_TOKEN made once and kept there (quickstart.env), listening on 127.0.0.1:$PORT
// (default 3000) with CONNECTD_PUBLIC_URL the address the fake's redirect and webhooks use.
// The daemon runs in this process: Ctrl-C or SIGTERM stops it gracefully, and the exit code is
// connectd's. Stop it before `sync.mjs` on the embedded store, which one process opens at a time.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { config, connectdEnv, publicUrl, repoRoot, requireShopifyVariables, secrets, storeDescription } from './settings.mjs';

requireShopifyVariables();
if (!existsSync(join(repoRoot, 'packages', 'core', 'dist'))) {
  console.error('connectd is not built: run `pnpm install && pnpm build` first');
  process.exit(1);
}

Object.assign(process.env, connectdEnv());
console.log(`connectd run: data in ${storeDescription()}, secrets in ${secrets().file}`);
console.log(`  listening on ${process.env.HOST}:${process.env.PORT}, public URL ${publicUrl}, shops at ${process.env.SHOPIFY_SHOP_URL || 'https://{shop}'}`);
console.log(`  $ connectd run --config ${relative(process.cwd(), config) || config}`);

const { main } = await import('@connectd/core');
process.exitCode = await main(['run', '--config', config]);
