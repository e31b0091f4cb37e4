import { createRequire } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Where this copy of @connectd/core is, and what a scaffold's package.json says about it. */
export interface CorePackage {
  readonly dir: string;
  readonly version: string;
  /** The peer range a plugin declares: the minor series of this core (`^0.1.0`). */
  readonly engineRange: string;
}

/**
 * This copy of @connectd/core: its folder and version, from its package.json (two levels up from
 * both src/scaffold and dist/scaffold).
 * @example
 * corePackage().engineRange; // '^0.1.0'
 */
export function corePackage(): CorePackage {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('../../package.json');
  const { version } = require(manifestPath) as { version: string };
  const [major, minor] = version.split('.');
  return { dir: dirname(manifestPath), version, engineRange: `^${major}.${minor}.0` };
}

/**
 * How a scaffold in `targetDir` depends on core for its own tests. An installed core (inside some
 * node_modules) is published: the scaffold asks the registry for the same range. A core running
 * from a checkout is not on any registry, so the scaffold links it by path (`npm install` then
 * only symlinks it); relative when the scaffold sits in the same checkout, so the checkout can move.
 * @example
 * coreDependencySpec(corePackage(), '/tmp/acme'); // 'file:/work/main/packages/core' from a checkout
 */
export function coreDependencySpec(core: CorePackage, targetDir: string): string {
  if (core.dir.split(sep).includes('node_modules')) return core.engineRange;
  const checkout = resolve(core.dir, '..', '..');
  const target = resolve(targetDir);
  const inCheckout = !relative(checkout, target).startsWith('..') && !isAbsolute(relative(checkout, target));
  return `file:${inCheckout ? relative(target, core.dir) : core.dir}`;
}
