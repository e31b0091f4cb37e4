#!/usr/bin/env node
// Bundles the CLI that `packages/core/bin/connectd.js` starts into packages/core/dist/bundle/, after
// `tsc -b` (`pnpm build` runs both). Node 20 pays per module it loads (resolve, stat, read, link):
// `connectd run` loaded ~430 of our files and ~200 of TypeBox's, a fifth of a warm start on
// Postgres. docs/architecture.md, "Start time", says what is bundled and why the rest is not.
//
// Bundled: our own compiled code and the packages in BUNDLED_PACKAGES, with what they import.
// Left as package imports (LOADED_FROM_PACKAGES), even where a bundled package imports them: those
// that find their own files at run time (pino's transport worker, node-cron's background daemon,
// PGlite's WebAssembly and data files), undici (imported with the first request), and pg's optional
// native binding. Dynamic imports stay chunks, so `connectd --help` does not parse the daemon, and
// the embedded store does not parse pg.
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const core = fileURLToPath(new URL('../packages/core/', import.meta.url));
const out = `${core}dist/bundle`;
const BUNDLED_PACKAGES = ['@sinclair/typebox', 'ajv', 'ajv-formats', 'cockatiel', 'commander', 'fastify', 'jsonata', 'p-queue', 'pg', 'prom-client', 'semver', 'yaml'];
const LOADED_FROM_PACKAGES = ['@electric-sql/pglite', 'node-cron', 'pg-native', 'pino', 'pino-pretty', 'undici'];

const isOneOf = (names) => (id) => names.some((name) => id === name || id.startsWith(`${name}/`));
const bundled = isOneOf(BUNDLED_PACKAGES);
const loadedFromPackage = isOneOf(LOADED_FROM_PACKAGES);
const isPackageImport = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
// A bundled package's own dependencies are bundled with it: pnpm does not let core resolve them.
const insidePackage = (importer) => importer?.includes('/node_modules/') === true;

const started = performance.now();
await rm(out, { recursive: true, force: true });
const build = await rolldown({
  input: { connectd: `${core}dist/cli/main.js` },
  platform: 'node',
  logLevel: 'warn',
  external: (id, importer) => id.startsWith('node:') || loadedFromPackage(id) || (isPackageImport(id) && !bundled(id) && !insidePackage(importer)),
});
await build.write({ dir: out, format: 'esm', sourcemap: true, chunkFileNames: '[name]-[hash].js' });
await build.close();
const size = statSync(`${out}/connectd.js`).size;
console.log(`bundled the CLI into ${out} (entry ${(size / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
