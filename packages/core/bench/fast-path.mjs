#!/usr/bin/env node
// Lists every mapping connectd ships (the presets of the storq, Square and Shopify plugins and of
// the NetSuite example, and the `map:`s of connectors.yaml and examples/**/connectors.yaml) and
// whether it runs on the mapping fast path (src/mapping/fast-path.ts) or on the JSONata engine,
// with the first expression the fast path does not take. Exits 1 when any runs on the engine.
//
// Runs on the built dists: `pnpm mappings:fast-path` (tsc -b, the NetSuite example's own build, then this).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { parse } from 'yaml';
import { compileFastPath } from '../dist/mapping/fast-path.js';

const root = join(import.meta.dirname, '../../..');
const plugins = await Promise.all(
  ['packages/connector-storq', 'packages/connector-square', 'packages/connector-shopify', 'examples/third-party/connectd-connector-netsuite'].map(
    async (dir) => (await import(join(root, dir, 'dist/index.js'))).default,
  ),
);
const functions = plugins.flatMap((p) =>
  Object.entries(p.functions ?? {}).map(([key, f]) => ({ name: `$${p.meta.namespace}_${key}`, plugin: p.meta.namespace, signature: f.signature, impl: f.impl })),
);

/** Every `map:` string below `value`, with its place. */
function mapsIn(value, place, out) {
  if (Array.isArray(value)) value.forEach((v, i) => mapsIn(v, `${place}.${i}`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'map' && typeof v === 'string') out.push({ place: `${place}.map`, map: v });
      else mapsIn(v, `${place}.${k}`, out);
    }
  }
  return out;
}

const yamlFiles = [
  'connectors.yaml',
  ...readdirSync(join(root, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('connectors.yaml') && !f.includes('node_modules'))
    .map((f) => join('examples', f))
    .sort(),
];
const mappings = [
  ...plugins.flatMap((p) => Object.entries(p.presets ?? {}).flatMap(([name, preset]) => mapsIn(preset.config, `${p.meta.namespace}/${name}`, []))),
  ...yamlFiles.flatMap((file) => mapsIn(parse(readFileSync(join(root, file), 'utf8')), file, [])),
];

const children = (node) =>
  Object.entries(node)
    .filter(([k]) => k !== 'position' && k !== 'procedure') // a call is reported as the call
    .flatMap(([, v]) => (Array.isArray(v) ? v.flat() : [v]))
    .filter((v) => typeof v === 'object' && v !== null && typeof v.type === 'string');

/** The innermost node the fast path refuses: a child it refuses, else the node itself. */
function refused(node) {
  for (const child of children(node)) {
    if (compileFastPath(child, functions) === undefined && child.type !== 'block') return refused(child);
  }
  return `${node.type}${typeof node.value === 'string' ? ` ${JSON.stringify(node.value)}` : ''}${node.position === undefined ? '' : ` at ${node.position}`}`;
}

let engine = 0;
for (const { place, map } of mappings) {
  const ast = jsonata(map).ast();
  const fast = compileFastPath(ast, functions) !== undefined;
  if (!fast) engine++;
  console.log(`${place.padEnd(64)} ${fast ? 'fast' : `engine (${refused(ast)})`}`);
}
console.log(`\n${mappings.length - engine} of ${mappings.length} mappings run on the fast path`);
process.exitCode = engine === 0 ? 0 : 1;
