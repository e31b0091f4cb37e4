/**
 * The `map:` and `records:` expressions written in the bundled connectors.yaml and the examples
 * compile, and the full example's custom entity maps. The vendors' presets are run over their own
 * payloads in config/bundled-<vendor>.test.ts, with the presets merged in as the daemon loads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createEntityCatalog, type EntityCatalog } from './catalog.js';
import { compileMapping, type MappingBindings } from './compile-mapping.js';
import type { CustomEntityConfig } from './custom-entity.js';
import { mapRecords, type MappedPage } from './map-records.js';
import { compileRecordsPath } from './records-path.js';

const repo = join(import.meta.dirname, '../../../..');

interface Flow { readonly entity: string; readonly map?: string; readonly records?: string }
interface ConfigFile {
  readonly entities?: Record<string, CustomEntityConfig>;
  readonly connectors: Record<string, { streams?: Record<string, Flow>; webhooks?: { events: Record<string, Flow> }; actions?: Record<string, { map?: string }> }>;
}
const configFile = (path: string): ConfigFile => parse(readFileSync(join(repo, path), 'utf8'), { merge: true }) as ConfigFile;
const bindings: MappingBindings = {
  connection: { id: 'conn-1', tenant: 'acme', config: {} },
  lookups: { store: () => undefined, product: () => undefined },
};

async function run(flow: Flow, body: unknown, entities: EntityCatalog): Promise<MappedPage> {
  const records = await compileRecordsPath(flow.records)(body);
  return mapRecords(records, compileMapping(flow.map), flow.entity, entities, bindings);
}

describe('every bundled and example mapping', () => {
  it('compiles', () => {
    for (const path of ['connectors.yaml', 'examples/minimal/connectors.yaml', 'examples/full/connectors.yaml']) {
      for (const [name, connector] of Object.entries(configFile(path).connectors)) {
        const flows = [...Object.values(connector.streams ?? {}), ...Object.values(connector.webhooks?.events ?? {}), ...Object.values(connector.actions ?? {})];
        for (const flow of flows) {
          expect(() => compileMapping(flow.map, { label: `${path}: ${name}` }), `${path}: ${name}`).not.toThrow();
          if ('records' in flow) expect(() => compileRecordsPath(flow.records)).not.toThrow();
        }
      }
    }
  });
});

describe('examples/full custom entity', () => {
  it('maps members onto the loyalty_member entity declared in the file', async () => {
    const full = configFile('examples/full/connectors.yaml');
    const entities = createEntityCatalog(full.entities);
    const members = full.connectors['warehouse']?.streams?.['members'];
    if (members === undefined) throw new Error('members stream missing');
    const page = await run(members, { members: [{ id: 'm1', email: 'a@example.com', points: 10 }, { id: 'm2', points: -5 }] }, entities);
    expect(page.entities.map((e) => [e.entity.table, e.naturalKey])).toEqual([['loyalty_members', 'm1']]);
    expect(page.failures.map((f) => f.code)).toEqual(['CONNECTD_ERR_MAPPING_SCHEMA']);
  });
});
