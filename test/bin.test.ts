import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectdBin } from './support/daemon-process.js';

/**
 * The bin's choice between the bundled CLI and the compiled files, on a copy of the bin in a
 * package folder of stand-ins: each `main` exits with a code that names it.
 */
const BUNDLE_EXIT = 41;
const COMPILED_EXIT = 42;
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Layout {
  /** Seconds since the epoch of each file; absent: no such file. */
  readonly bundle?: number;
  readonly buildInfo?: number;
}

function packageFolder(layout: Layout): string {
  const root = mkdtempSync(join(tmpdir(), 'connectd-bin-'));
  folders.push(root);
  const file = (path: string, text: string, seconds?: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    if (seconds !== undefined) utimesSync(join(root, path), seconds, seconds);
  };
  mkdirSync(join(root, 'bin'));
  copyFileSync(connectdBin, join(root, 'bin/connectd.js'));
  file('package.json', '{"type":"module"}');
  file('dist/cli/main.js', `export const main = async () => ${COMPILED_EXIT};`);
  if (layout.bundle !== undefined) file('dist/bundle/connectd.js', `export const main = async () => ${BUNDLE_EXIT};`, layout.bundle);
  if (layout.buildInfo !== undefined) file('dist/.tsbuildinfo', '{}', layout.buildInfo);
  return root;
}

const exitOf = (layout: Layout): number | null => spawnSync(process.execPath, [join(packageFolder(layout), 'bin/connectd.js')]).status;

describe('the connectd bin', () => {
  it('starts the bundle when it was made after the last compile', () => {
    expect(exitOf({ bundle: 2_000, buildInfo: 1_000 })).toBe(BUNDLE_EXIT);
  });

  it('starts the compiled files when tsc -b has run since the bundle was made, so a stale bundle never runs', () => {
    expect(exitOf({ bundle: 1_000, buildInfo: 2_000 })).toBe(COMPILED_EXIT);
  });

  it('starts the compiled files when there is no bundle, and the bundle when a package ships no build info', () => {
    expect([exitOf({ buildInfo: 1_000 }), exitOf({ bundle: 1_000 })]).toEqual([COMPILED_EXIT, BUNDLE_EXIT]);
  });
});
