/**
 * Every mapping connectd ships (the presets of storq, Square, Shopify GraphQL and REST, the
 * NetSuite example, and the `map:`s of connectors.yaml and examples/) runs on the mapping fast
 * path: compiled, it is accepted, and on generated records (built from the field names it reads)
 * it answers as JSONata does.
 * `pnpm mappings:fast-path` prints the same list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { registerFunctions, type MappingFunctionEntry } from './functions.js';
import { BAIL, compileFastPath, type AstNode } from './fast-path.js';
import { lookupFunction } from './lookups.js';
// The connectors' sources: core does not depend on them, this test only reads their presets.
import storq from '../../../connector-storq/src/index.js';
import square from '../../../connector-square/src/index.js';
import shopify from '../../../connector-shopify/src/index.js';
import netsuite from '../../../../examples/third-party/connectd-connector-netsuite/src/index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface Plugin {
  readonly meta: { readonly namespace: string };
  readonly presets?: Readonly<Record<string, { readonly config: unknown }>>;
  readonly functions?: Readonly<Record<string, { readonly signature?: string; readonly impl: (...args: never[]) => unknown }>>;
}

const PLUGINS = [storq, square, shopify, netsuite] as unknown as readonly Plugin[];

const FUNCTIONS: readonly MappingFunctionEntry[] = PLUGINS.flatMap((p) =>
  Object.entries(p.functions ?? {}).map(([key, f]) => ({ name: `$${p.meta.namespace}_${key}`, plugin: p.meta.namespace, signature: f.signature, impl: f.impl })),
);

/** Every `map:` string below `value`, with its place. */
function mapsIn(value: unknown, place: string, out: Array<{ place: string; map: string }>): void {
  if (Array.isArray(value)) value.forEach((v, i) => mapsIn(v, `${place}.${i}`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'map' && typeof v === 'string') out.push({ place: `${place}.map`, map: v });
      else mapsIn(v, `${place}.${k}`, out);
    }
  }
}

function yamlFiles(): string[] {
  const examples = join(repoRoot, 'examples');
  const inExamples = readdirSync(examples, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('connectors.yaml') && !f.includes('node_modules'))
    .map((f) => join('examples', f));
  return ['connectors.yaml', ...inExamples.sort()];
}

function bundledMappings(): Array<{ place: string; map: string }> {
  const out: Array<{ place: string; map: string }> = [];
  for (const plugin of PLUGINS) {
    for (const [name, preset] of Object.entries(plugin.presets ?? {})) mapsIn(preset.config, `${plugin.meta.namespace}/${name}`, out);
  }
  for (const file of yamlFiles()) mapsIn(parse(readFileSync(join(repoRoot, file), 'utf8')), file, out);
  return out;
}

/** The field names an expression reads: the records are built from them. */
function namesIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) namesIn(n, out);
  else if (typeof node === 'object' && node !== null) {
    const n = node as { type?: unknown; value?: unknown };
    if (n.type === 'name' && typeof n.value === 'string') out.add(n.value);
    for (const v of Object.values(node)) namesIn(v, out);
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure names a record that can be rebuilt. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS: readonly unknown[] = [
  null, true, false, 0, 7, -3, 1.5, 1e21, '', 'L1', 'V1', 'I1', '7', '79', '1.50', '-2', '0x1F', 'abc', 'ACTIVE', 'active', 'Default Title',
  'COMPLETED', 'ITEM', 'ITEM_VARIATION', 'partial', 'T', 'gid://shopify/LineItem/5', { amount: 150, currency: 'USD' }, { amount: -2250, currency: 'JPY' },
];

function recordOf(names: readonly string[], next: () => number, depth: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of names) {
    const roll = next();
    if (roll < 0.2) continue;
    if (depth < 2 && roll < 0.35) record[name] = recordOf(names, next, depth + 1);
    else if (depth < 2 && roll < 0.45) record[name] = Array.from({ length: Math.floor(next() * 3) }, () => recordOf(names, next, depth + 1));
    else record[name] = SCALARS[Math.floor(next() * SCALARS.length)];
  }
  return record;
}

const IDS: Readonly<Record<string, string>> = { L1: 'store-1', '7': 'store-7', V1: 'SKU-1', I1: 'SKU-I1', '79': 'SKU-79' };
const scope = {
  connection: { id: 'c1', tenant: 'acme', config: { shop: 'acme' } },
  store: lookupFunction('store', (id) => IDS[id], 'test'),
  product: lookupFunction('product', async (id) => IDS[id], 'test'),
  inventory_item: lookupFunction('inventory_item', (id) => IDS[id], 'test'),
};

type Outcome = { value: unknown } | { error: string } | { bailed: true };

async function settle(run: () => unknown): Promise<Outcome> {
  try {
    const value: unknown = await run();
    // JSON: JSONata's sequence flags and null prototypes are not part of the answer.
    return value === BAIL ? { bailed: true } : { value: value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown) };
  } catch (err) {
    return { error: String((err as { code?: unknown }).code) };
  }
}

describe('the bundled mappings', () => {
  it('all run on the fast path', () => {
    const mappings = bundledMappings();
    const engine = mappings.filter(({ map }) => compileFastPath(jsonata(map).ast() as unknown as AstNode, FUNCTIONS) === undefined).map((m) => m.place);
    console.log(`fast path: ${mappings.length - engine.length} of ${mappings.length} bundled mappings`);
    expect(mappings.length).toBeGreaterThan(30);
    expect(engine).toEqual([]);
  });

  it('answer as JSONata does on generated records', async () => {
    let fast = 0;
    for (const { place, map } of bundledMappings()) {
      const reference = jsonata(map);
      registerFunctions(reference, FUNCTIONS, place);
      const mapping = compileFastPath(reference.ast() as unknown as AstNode, FUNCTIONS);
      const names = [...namesIn(reference.ast(), new Set())];
      const next = random(names.length);
      for (let i = 0; i < 200; i++) {
        const record = recordOf(names, next, 0);
        const parent = i % 2 === 0 ? undefined : recordOf(names, next, 1);
        const bindings = parent === undefined ? scope : { ...scope, parent };
        const byFast = await settle(() => mapping?.(record, bindings));
        if ('bailed' in byFast) continue;
        fast++;
        expect(byFast, `${place} on ${JSON.stringify({ record, parent })}`).toEqual(
          await settle(() => reference.evaluate(record, bindings)),
        );
      }
    }
    console.log(`fast path: ${fast} generated records evaluated fast across the bundled mappings`);
    expect(fast).toBeGreaterThan(3000);
  });
});
