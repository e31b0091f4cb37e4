#!/usr/bin/env node
// The bin stays a tiny committed file so package managers can link it before the first build.
// It starts the bundled CLI (`pnpm build`; faster to load, see scripts/bundle-bin.mjs) unless
// `tsc -b` has rebuilt the compiled files since the bundle was made: a stale bundle never runs.
import { statSync } from 'node:fs';

const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = modified('../dist/bundle/connectd.js');
const compiled = modified('../dist/.tsbuildinfo');
const bundleIsCurrent = bundled !== undefined && (compiled === undefined || bundled >= compiled);
const { main } = await import(bundleIsCurrent ? '../dist/bundle/connectd.js' : '../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
