import type { ConnectorPlugin } from '../connector/index.js';
import { caseLabel, FailureList } from './case-failures.js';
import { compilePreset } from './compile-preset.js';
import { runSample, type PresetSample } from './preset-samples.js';

export type { PresetSample } from './preset-samples.js';

export { DEFAULT_TEST_BASE_URL } from './compile-preset.js';
export interface TestPresetOptions {
  readonly samples: readonly PresetSample[];
  /**
   * What connectors.yaml would set beside `extends:` (the connection-level values the preset
   * leaves out: `base_url`, `auth: { token }`, `webhooks: { verify: { secret } }` ...). Default:
   * only `base_url` ({@link DEFAULT_TEST_BASE_URL}) when the preset has none.
   */
  readonly connection?: Readonly<Record<string, unknown>>;
}

/** How much was checked; returned only when everything passed. */
export interface TestPresetReport {
  readonly samples: number;
  readonly entities: number;
}

/**
 * Tests a preset the way the daemon uses it: the plugin goes through the loader's checks, a
 * config `{ connectors: { <namespace>: { extends: <preset>, ...connection } } }` is validated with
 * the real validator (every issue fails the test, formatted as `connectd validate` prints it) and
 * compiled (streams, webhooks, actions), then each sample runs: vendor records through the
 * stream's or webhook event's records path and JSONata mapping, each entity validated against its
 * schema and compared with `expected`. Every sample runs; one {@link CasesFailed} lists all
 * failures. It calls no `describe`/`it`: use it inside one.
 * @example
 * it('maps storq objects to canonical entities', async () => {
 *   await testPreset(plugin, 'default', {
 *     connection: { auth: { token: 'fsk_test_12345678' }, webhooks: { verify: { secret: 'whsec' } } },
 *     samples: [{ stream: 'stock', body: { stock: [{ sku: 'MUG', quantity: 2, updated_at: '2025-06-01T10:00:00Z' }] },
 *                 expected: { store: 'default', product: 'MUG', quantity: 2, as_of: '2025-06-01T10:00:00Z', vendor_updated_at: '2025-06-01T10:00:00Z' } }],
 *   });
 * });
 */
export async function testPreset(plugin: ConnectorPlugin, presetId: string, options: TestPresetOptions): Promise<TestPresetReport> {
  const failures = new FailureList(`testPreset(${presetId})`);
  const project = compilePreset(plugin, presetId, options.connection ?? {}, failures);
  if (project === undefined) {
    failures.throwIfAny();
    throw new Error('unreachable: a preset that did not compile has failures');
  }
  let entities = 0;
  for (const [index, sample] of options.samples.entries()) {
    const target = sample.stream ?? sample.webhook ?? sample.action;
    const kind = sample.stream !== undefined ? 'stream' : sample.webhook !== undefined ? 'webhook' : 'action';
    const label = `${caseLabel('samples', index, sample.name)} (${kind} ${String(target)})`;
    await failures.run(label, async () => {
      entities += await runSample(project.compiled, project.connector, sample);
    });
  }
  failures.throwIfAny();
  return { samples: options.samples.length, entities };
}
