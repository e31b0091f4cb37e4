import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SCAFFOLD_TARGET_NOT_EMPTY } from '../errors/index.js';

/** A file of a scaffold: its path relative to the scaffold's folder, and its text. */
export interface ScaffoldFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Writes a scaffold into `dir`, which must be new or empty: a scaffold never overwrites anything.
 * Returns the absolute paths written, in order.
 * @throws CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY when `dir` has entries
 * @example
 * writeScaffold('/tmp/acme', [{ path: 'README.md', text: '# acme\n' }]);
 */
export function writeScaffold(dir: string, files: readonly ScaffoldFile[]): string[] {
  const root = resolve(dir);
  if (existsSync(root)) {
    const entries = readdirSync(root).length;
    if (entries > 0) throw SCAFFOLD_TARGET_NOT_EMPTY({ dir: root, entries });
  }
  return files.map((file) => {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text, { flag: 'wx' });
    return path;
  });
}
