/**
 * The fast path against JSONata on JSONata's own conformance suite (testdata/jsonata-test-suite,
 * MIT, from jsonata-js/jsonata 2.2.2): every case whose expression the fast path accepts is
 * evaluated both ways, and the answers (value, undefined, error code) must be the same. A case
 * the fast path hands back at run time (BAIL) is evaluated by JSONata alone, so it is counted
 * apart: the comparison that matters is over the cases it evaluated itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { BAIL, compileFastPath, type AstNode, type FastScope } from './fast-path.js';

const SUITE = fileURLToPath(new URL('./testdata/jsonata-test-suite/', import.meta.url));

interface Case {
  readonly name: string;
  readonly expr: string;
  readonly input: unknown;
  readonly bindings: FastScope;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

function loadCases(): Case[] {
  const datasets = new Map<string, unknown>();
  const dataset = (name: string): unknown => {
    if (!datasets.has(name)) datasets.set(name, readJson(join(SUITE, 'datasets', `${name}.json`)));
    return datasets.get(name);
  };
  const cases: Case[] = [];
  for (const group of readdirSync(join(SUITE, 'groups')).sort()) {
    for (const file of readdirSync(join(SUITE, 'groups', group)).filter((f) => f.endsWith('.json')).sort()) {
      const content = readJson(join(SUITE, 'groups', group, file));
      for (const [i, raw] of (Array.isArray(content) ? content : [content]).entries()) {
        const c = raw as Record<string, unknown>;
        const expr = typeof c['expr'] === 'string' ? c['expr'] : readFileSync(join(SUITE, 'groups', group, String(c['expr-file'])), 'utf8');
        const input = typeof c['dataset'] === 'string' ? dataset(c['dataset']) : c['data'];
        cases.push({ name: `${group}/${file}#${i}`, expr, input, bindings: (c['bindings'] ?? {}) as FastScope });
      }
    }
  }
  return cases;
}

type Outcome = { value: unknown } | { error: string } | { bailed: true };

/** JSONata's lists (sequence-flagged) and objects (null prototype) as plain JSON-like values, key order kept. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'function') return 'function';
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value).map(([k, v]) => [k, plain(v)]);
}

async function settle(run: () => unknown): Promise<Outcome> {
  try {
    const value: unknown = await run();
    return value === BAIL ? { bailed: true } : { value: plain(value) };
  } catch (err) {
    return { error: String((err as { code?: unknown }).code) };
  }
}

function compiled(expr: string): ReturnType<typeof compileFastPath> {
  try {
    return compileFastPath(jsonata(expr).ast() as unknown as AstNode, []);
  } catch {
    return undefined; // a syntax error: JSONata's alone
  }
}

describe('the fast path on the JSONata conformance suite', () => {
  it('gives what JSONata gives on every case it accepts', async () => {
    const cases = loadCases();
    let accepted = 0;
    let evaluated = 0;
    const mismatches: string[] = [];
    for (const c of cases) {
      const fast = compiled(c.expr);
      if (fast === undefined) continue;
      accepted++;
      const byFast = await settle(() => fast(c.input, c.bindings));
      if ('bailed' in byFast) continue; // JSONata's answer, by construction (and some of those cases never end without a time limit)
      const byJsonata = await settle(() => jsonata(c.expr).evaluate(c.input, { ...c.bindings }));
      evaluated++;
      try {
        expect(byFast).toStrictEqual(byJsonata);
      } catch {
        mismatches.push(`${c.name} ${c.expr}: fast ${JSON.stringify(byFast)}, jsonata ${JSON.stringify(byJsonata)}`);
      }
    }
    console.log(
      `fast path: accepts ${accepted} of ${cases.length} JSONata suite cases; evaluates ${evaluated} itself (identical to JSONata), hands ${accepted - evaluated} back at run time`,
    );
    expect(mismatches).toEqual([]);
    // Not vacuous: a good share of the suite is in the subset.
    expect(cases.length).toBeGreaterThan(1600);
    expect(evaluated).toBeGreaterThan(200);
  });
});
