import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A freshly initialised, empty PGlite cluster cached in the OS temp folder, for tests. initdb
 * costs seconds; copying its result costs a fraction of one. The cache is keyed by the installed
 * PGlite build, so an upgrade gets a new template.
 */
export async function pgliteClusterTemplate(): Promise<string> {
  const template = join(tmpdir(), `connectd-pglite-template-${pgliteBuildKey()}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = `${template}.building-${randomBytes(6).toString('hex')}`;
  mkdirSync(dirname(building), { recursive: true });
  const pglite = await PGlite.create(building);
  await pglite.close();
  try {
    // Atomic: parallel test files may all build one; the first rename wins, the rest are dropped.
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** Copies the template into `clusterDir` (which must not exist yet). */
export async function copyClusterTemplate(clusterDir: string): Promise<void> {
  const template = await pgliteClusterTemplate();
  mkdirSync(dirname(clusterDir), { recursive: true });
  cpSync(template, clusterDir, { recursive: true, errorOnExist: true, force: false });
}

function pgliteBuildKey(): string {
  const entry = realpathSync(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const wasm = join(dirname(entry), 'pglite.wasm');
  const stat = existsSync(wasm) ? statSync(wasm) : statSync(entry);
  return createHash('sha256').update(`${entry}:${stat.size}:${stat.mtimeMs}`).digest('hex').slice(0, 16);
}
