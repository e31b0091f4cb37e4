import type { ComponentCatalog } from '../connector/index.js';
import { CONFIG_UNKNOWN_PRESET } from '../errors/index.js';
import { didYouMean } from '../errors/index.js';
import { issueAt, pathKey, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';

export interface PresetResult {
  /** The config with presets merged in (a copy; the parsed value is untouched). */
  readonly value: unknown;
  /** Path key → preset ids, for every subtree that came from a preset and not from the file. */
  readonly fromPreset: ReadonlyMap<string, string>;
  readonly issues: readonly ConfigIssue[];
}

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies `extends: <namespace>/<name>` (or a list of them, later ones winning): each preset's
 * config is deep-merged under the connector's own keys. Mappings merge key by key; lists and
 * scalars from the file replace the preset's. Presets cannot extend further presets.
 * @example
 * applyPresets(parsed.value, catalog, ctx).value; // connectors with their presets' keys filled in
 */
export function applyPresets(value: unknown, catalog: ComponentCatalog, ctx: IssueContext): PresetResult {
  const fromPreset = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  if (!isPlain(value) || !isPlain(value.connectors)) return { value, fromPreset, issues };

  const connectors: Plain = {};
  for (const [name, connector] of Object.entries(value.connectors)) {
    connectors[name] = connector;
    if (!isPlain(connector)) continue;
    const refs = presetRefs(connector.extends, ['connectors', name, 'extends']);
    if (refs.length === 0) continue;
    let base: Plain = {};
    const used: string[] = [];
    for (const { id, path } of refs) {
      const preset = catalog.preset(id);
      if (preset === undefined) {
        const suggestion = ctx.fromEnv(path) ? undefined : didYouMean(id, catalog.presetIds());
        const shown = ctx.fromEnv(path) ? '(from the environment)' : id;
        issues.push(issueAt(ctx, CONFIG_UNKNOWN_PRESET.code, path, 'value', `unknown preset "${shown}"`, suggestion));
        continue;
      }
      const { extends: _nested, ...config } = preset.config as Plain;
      base = merge(base, config, [], () => undefined);
      used.push(id);
    }
    const label = used.join(', ');
    connectors[name] = merge(base, connector, ['connectors', name], (path) => fromPreset.set(pathKey(path), label));
  }
  return { value: { ...value, connectors }, fromPreset, issues };
}

function presetRefs(raw: unknown, path: YamlPath): Array<{ id: string; path: YamlPath }> {
  if (typeof raw === 'string') return [{ id: raw, path }];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((id, i) => (typeof id === 'string' ? [{ id, path: [...path, i] }] : []));
}

/** `own` over `base`; `taken` is called for each subtree copied from `base`. */
function merge(base: Plain, own: Plain, path: YamlPath, taken: (path: YamlPath) => void): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(base)) {
    if (!(key in own)) {
      out[key] = structuredClone(value);
      taken([...path, key]);
    }
  }
  for (const [key, value] of Object.entries(own)) {
    const under = base[key];
    out[key] = isPlain(value) && isPlain(under) ? merge(under, value, [...path, key], taken) : value;
  }
  return out;
}
