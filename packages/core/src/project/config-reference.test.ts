/**
 * docs/config-reference.md against the schema the validator uses (the editor schema: the config's
 * own schemas plus every built-in component's options). Every key the schema accepts is
 * documented, and every documented key is accepted.
 *
 * What the test reads in the page (the convention is also written at the top of the page):
 * - A table of keys is introduced by `<!-- keys: TARGET[, TARGET…] -->` on the line before it
 *   (blank lines between are fine). A TARGET is the YAML path of the mapping the table describes,
 *   `<…>` standing for a name you choose (`connectors.<name>.streams.<name>`; `.` for the top
 *   level), or `<slot>:<type>` for a built-in component's options (`pagination:cursor`), the slot
 *   named as in the editor schema's definitions. Each row documents the keys written in backticks
 *   in its first cell (`header`, `prefix`), a dotted key being a path under the table's target
 *   (`retention.enabled`), for every target of the table.
 * - A table of a slot's built-in types is introduced by `<!-- types: <slot> -->`; its first
 *   column names the types (a `ns/name` row stands for plugins and is not checked).
 * - A table whose first header is `Key` or `type` without such a comment is an error, so a new
 *   table cannot escape the walk; other tables (`Form | Result`) are prose.
 * The schema is walked through `properties` (arrays and `allOf`/`anyOf`/`oneOf`/`then`/`else`
 * add no segment; a mapping of names adds `<name>`). `patternProperties` are not walked: the only
 * one, top-level `x-` keys, is a name pattern the "General rules" explain in prose. No key is
 * exempt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorSchema } from './editor-schema.js';
import { createCoreRegistry } from './registry.js';

type Json = Record<string, unknown>;

const ROOT = join(import.meta.dirname, '../../../..');
const REFERENCE = 'docs/config-reference.md';

const isPlain = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the schema accepts: key paths (`connectors.*.streams.*.request.path`, `pagination:cursor.param`) and each slot's built-in types. */
interface SchemaKeys {
  readonly keys: ReadonlySet<string>;
  readonly types: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What the page documents: key paths with the line that names each, types by slot, and problems with the page's structure. */
interface DocumentedKeys {
  readonly keys: ReadonlyMap<string, number>;
  readonly types: ReadonlyMap<string, Map<string, number>>;
  readonly targets: ReadonlyMap<string, number>;
  readonly problems: readonly string[];
}

const under = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function schemaKeys(schema: Json): SchemaKeys {
  const definitions = (schema['definitions'] ?? {}) as Record<string, Json>;
  const typeOf = (definition: Json | undefined): Json | undefined => {
    const properties = definition?.['properties'];
    return isPlain(properties) && isPlain(properties['type']) ? properties['type'] : undefined;
  };
  // A slot's definition has a `type` that names types; a built-in's options fix it with `const`.
  const slots = new Set(Object.keys(definitions).filter((name) => typeOf(definitions[name]) !== undefined && typeOf(definitions[name])?.['const'] === undefined));
  const keys = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item, path));
    if (!isPlain(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const name = ref.replace('#/definitions/', '');
      // A component slot: its options are the built-ins' own, walked once below.
      if (!slots.has(name)) walk(definitions[name], path);
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf', 'then', 'else', 'items']) walk(node[keyword], path);
    if (isPlain(node['additionalProperties'])) walk(node['additionalProperties'], under(path, '*'));
    for (const [key, value] of Object.entries(isPlain(node['properties']) ? node['properties'] : {})) {
      keys.add(under(path, key));
      walk(value, under(path, key));
    }
  };
  const { definitions: _definitions, ...root } = schema;
  walk(root, '');
  const types = new Map<string, Set<string>>([...slots].map((slot) => [slot, new Set<string>()]));
  for (const [name, definition] of Object.entries(definitions)) {
    const id = typeOf(definition)?.['const'];
    if (typeof id !== 'string') continue;
    const slot = name.slice(0, -(id.length + 1));
    if (!slots.has(slot) || name !== `${slot}_${id}`) throw new Error(`definition ${name} is a built-in's options of no known slot`);
    types.get(slot)!.add(id);
    const { properties, ...rest } = definition;
    const { type: _type, ...options } = properties as Json;
    walk({ ...rest, properties: options }, `${slot}:${id}`);
  }
  return { keys, types };
}

const MARKER = /^<!--\s*(keys|types):\s*(.*?)\s*-->$/;
const CELL_SEPARATOR = /(?<!\\)\|/;
const TICKED = /`([^`]+)`/g;

/** A path as the page writes it (`connectors.<name>.streams`, `.`) in the schema's terms (`connectors.*.streams`, ``). */
function normalisePath(written: string): string {
  if (written === '.') return '';
  return written
    .split('.')
    .map((segment) => (/^<[^>]*>$/.test(segment) ? '*' : segment))
    .join('.');
}

/** `events.<type>` documents `events`: the names under a mapping are the user's. */
const withoutTrailingNames = (path: string): string => path.replace(/(?:(?:^|\.)\*)+$/, '');

function documentedKeys(markdown: string): DocumentedKeys {
  const lines = markdown.split('\n');
  const keys = new Map<string, number>();
  const types = new Map<string, Map<string, number>>();
  const targets = new Map<string, number>();
  const problems: string[] = [];
  let marker: { kind: string; targets: string[]; line: number } | undefined;
  let fenced = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    const lineNo = index + 1;
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced || line === '') continue;
    const found = MARKER.exec(line);
    if (found !== null) {
      if (marker !== undefined) problems.push(`${REFERENCE}:${marker.line}: a ${marker.kind} comment with no table after it`);
      marker = { kind: found[1]!, targets: found[2]!.split(',').map((t) => t.trim()), line: lineNo };
      continue;
    }
    if (!line.startsWith('|')) {
      if (marker !== undefined) problems.push(`${REFERENCE}:${marker.line}: a ${marker.kind} comment with no table after it`);
      marker = undefined;
      continue;
    }
    // A table: the header, the rule, then rows while lines start with `|`.
    const firstCell = (row: string): string => row.split(CELL_SEPARATOR)[1]?.trim() ?? '';
    const header = firstCell(line).replace(/`/g, '').toLowerCase();
    const rows: Array<{ cell: string; line: number }> = [];
    for (index += 2; index < lines.length && lines[index]!.trim().startsWith('|'); index++) rows.push({ cell: firstCell(lines[index]!.trim()), line: index + 1 });
    index--;
    const expected = header === 'key' ? 'keys' : header === 'type' ? 'types' : undefined;
    if (marker === undefined) {
      if (expected !== undefined) problems.push(`${REFERENCE}:${lineNo}: a table of ${header}s without a <!-- ${expected}: … --> comment before it`);
      continue;
    }
    if (expected !== undefined && marker.kind !== expected) problems.push(`${REFERENCE}:${lineNo}: a table of ${header}s under a <!-- ${marker.kind}: … --> comment`);
    for (const target of marker.targets) {
      targets.set(marker.kind === 'types' ? `types:${target}` : normalisePath(target), marker.line);
      for (const row of rows) {
        for (const [, token] of row.cell.matchAll(TICKED)) {
          if (marker.kind === 'types') {
            if (!token!.includes('/')) (types.get(target) ?? types.set(target, new Map()).get(target)!).set(token!, row.line);
          } else {
            keys.set(withoutTrailingNames(under(normalisePath(target), normalisePath(token!))), row.line);
          }
        }
      }
    }
    marker = undefined;
  }
  return { keys, types, targets, problems };
}

/** Every difference between the page and the schema, as lines a reader can act on. */
function mismatches(documented: DocumentedKeys, schema: SchemaKeys): string[] {
  const problems = [...documented.problems];
  for (const [target, line] of documented.targets) {
    if (target.startsWith('types:')) {
      if (!schema.types.has(target.slice('types:'.length))) problems.push(`${REFERENCE}:${line}: no component slot "${target.slice('types:'.length)}"`);
      continue;
    }
    const component = /^([a-z_]+):([a-z0-9_]+)$/.exec(target);
    const known = target === '' || schema.keys.has(withoutTrailingNames(target)) || (component !== null && schema.types.get(component[1]!)?.has(component[2]!) === true);
    if (!known) problems.push(`${REFERENCE}:${line}: a table of "${target}", which the schema does not have`);
  }
  for (const [key, line] of documented.keys) if (!schema.keys.has(key)) problems.push(`${REFERENCE}:${line}: documents "${key}", which the schema does not accept`);
  for (const key of schema.keys) if (!documented.keys.has(key)) problems.push(`the schema accepts "${key}", which ${REFERENCE} does not document`);
  for (const [slot, builtins] of schema.types) {
    const written = documented.types.get(slot) ?? new Map<string, number>();
    if (builtins.size > 0 && !documented.types.has(slot)) problems.push(`${REFERENCE} has no <!-- types: ${slot} --> table of the built-in ${slot} types`);
    for (const [type, line] of written) if (!builtins.has(type)) problems.push(`${REFERENCE}:${line}: documents the ${slot} type "${type}", which is not built in`);
    for (const type of builtins) if (documented.types.has(slot) && !written.has(type)) problems.push(`the built-in ${slot} type "${type}" is not in ${REFERENCE}'s types table`);
  }
  return problems;
}

describe(`${REFERENCE} against the schema the validator uses`, () => {
  const schema = schemaKeys(editorSchema(createCoreRegistry()));

  it('documents every key the schema accepts, every built-in component type and its options, and no key the schema lacks', () => {
    const documented = documentedKeys(readFileSync(join(ROOT, REFERENCE), 'utf8'));
    expect(mismatches(documented, schema)).toEqual([]);
  });

  it('finds a planted undocumented key, a documented key the schema lacks, a wrong type and an unmarked table', () => {
    const page = [
      '<!-- keys: . -->',
      '| Key | Meaning |',
      '| --- | --- |',
      '| `version`, `plugins` | … |',
      '| `colour` | not a key |',
      '',
      '<!-- types: pagination -->',
      '| `type` | Options |',
      '| --- | --- |',
      '| `cursor` | … |',
      '| `ns/name` | a plugin’s |',
      '',
      '| Key | Meaning |',
      '| --- | --- |',
      '| `server` | … |',
    ].join('\n');
    const planted = { keys: new Set(['version', 'plugins', 'server']), types: new Map([['pagination', new Set(['cursor', 'page'])]]) };
    expect(mismatches(documentedKeys(page), planted)).toEqual([
      `${REFERENCE}:13: a table of keys without a <!-- keys: … --> comment before it`,
      `${REFERENCE}:5: documents "colour", which the schema does not accept`,
      `the schema accepts "server", which ${REFERENCE} does not document`,
      `the built-in pagination type "page" is not in ${REFERENCE}'s types table`,
    ]);
  });

  it('reads the schema’s nesting: names under mappings, list items, component options by slot and type', () => {
    expect([...schema.keys]).toEqual(
      expect.arrayContaining(['server.retention.inbox_days', 'connectors.*.streams.*.outputs.entity', 'auth:oauth2.params.*.pattern', 'pagination:cursor.body_path']),
    );
    expect([...(schema.types.get('pagination') ?? [])].sort()).toEqual(['cursor', 'link_header', 'none', 'offset', 'page']);
  });
});
