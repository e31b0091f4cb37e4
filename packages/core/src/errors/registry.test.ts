import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_REGISTRY, RETIRED_CODES, isConnectdError } from './index.js';

const repoRoot = join(import.meta.dirname, '../../../..');
const RETIRED_HEADING = '## Retired codes';
/** Codes documented as current: every table before the retired ones. */
const docCodes = (): string[] =>
  [...readFileSync(join(repoRoot, 'docs/errors.md'), 'utf8').split(RETIRED_HEADING)[0]!.matchAll(/^\| `(CONNECTD_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test(-d)?\.ts$/.test(name) ? [path] : [];
  });
}

describe('error registry', () => {
  const registered = ERROR_REGISTRY.map((e) => e.factory.code);

  it('has unique codes in the CONNECTD_ERR_<AREA>_<WHAT> form', () => {
    expect(new Set(registered).size).toBe(registered.length);
    for (const code of registered) expect(code).toMatch(/^CONNECTD_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  });

  it('documents every code in docs/errors.md, and the doc lists no dead code', () => {
    const documented = docCodes();
    expect(documented.filter((c) => !registered.includes(c as never))).toEqual([]);
    expect(registered.filter((c) => !documented.includes(c))).toEqual([]);
  });

  it('never reuses a retired code, and lists each retired code in docs/errors.md with its replacement', () => {
    expect(registered.filter((c) => RETIRED_CODES.some((r) => r.code === c))).toEqual([]);
    const doc = readFileSync(join(repoRoot, 'docs/errors.md'), 'utf8');
    for (const retired of RETIRED_CODES) {
      expect(registered, retired.code).toContain(retired.replacedBy);
      expect(doc).toContain(`| \`${retired.code}\` | \`${retired.replacedBy}\` |`);
    }
  });

  it('gives every code a meaning and a way to fix it', () => {
    for (const { factory } of ERROR_REGISTRY) {
      expect(factory.definition.meaning.length, factory.code).toBeGreaterThan(10);
      expect(factory.definition.fix.length, factory.code).toBeGreaterThan(10);
    }
  });

  it('knows every code that source files mention', () => {
    const mentioned = new Set(
      readdirSync(join(repoRoot, 'packages')).flatMap((pkg) =>
        sourceFiles(join(repoRoot, 'packages', pkg, 'src')).flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/CONNECTD_ERR_[A-Z0-9_]*[A-Z0-9]/g)].map((m) => m[0]),
        ),
      ),
    );
    const retired = RETIRED_CODES.map((r) => r.code as string);
    expect([...mentioned].filter((c) => !registered.includes(c as never) && !retired.includes(c))).toEqual([]);
  });

  it('creates errors recognised by code, with their cause chained', () => {
    const { factory } = ERROR_REGISTRY.find((e) => e.factory.code === 'CONNECTD_ERR_INTERNAL')!;
    const cause = new Error('boom');
    const err = factory({ message: 'x' }, { cause });
    expect(isConnectdError(err, 'CONNECTD_ERR_INTERNAL')).toBe(true);
    expect(isConnectdError(err, 'CONNECTD_ERR_DAEMON_NOT_FOUND')).toBe(false);
    expect(isConnectdError(new Error('plain'))).toBe(false);
    expect(err.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'CONNECTD_ERR_INTERNAL', message: err.message, details: { message: 'x' } });
  });
});
