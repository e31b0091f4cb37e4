#!/usr/bin/env node
// The bin stays a tiny committed file so package managers can link it before the first build.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
