import type { ComponentCatalog } from '../connector/index.js';
import { CONFIG_INVALID, type ConnectdError } from '../errors/index.js';
import { issuesFromAjv } from './ajv-issues.js';
import { checkComponents, findComponents } from './components.js';
import type { Env } from './interpolate.js';
import { isWithin, pathKey, sortIssues, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';
import { parseConfigFile, type IdleConnector, type ParsedConfig } from './parse.js';
import { positionOf, valuePositionOf } from './positions.js';
import { applyPresets } from './presets.js';
import { defaultSchemaCompiler, type SchemaCompiler } from './schema-compiler.js';
import { ConnectdConfigSchema } from './schema/index.js';
import { checkSemantics } from './semantics.js';
import type { ConfigShape, ConnectdConfig } from './types.js';

/** A config that passed validation, with what the daemon needs beside it. */
export interface ValidConfig {
  readonly ok: true;
  readonly config: ConnectdConfig;
  /**
   * Optional connectors whose variables are missing. They stay in `config.connectors` (so
   * `validate` and `status` can describe them), with the missing values as empty strings: never
   * start one that is listed here.
   */
  readonly idleConnectors: readonly IdleConnector[];
  /** Values to scrub from logs. */
  readonly secretValues: readonly string[];
}

export interface InvalidConfig {
  readonly ok: false;
  /** Every problem, ordered by position. */
  readonly issues: readonly ConfigIssue[];
  readonly idleConnectors: readonly IdleConnector[];
}

export type ValidationResult = ValidConfig | InvalidConfig;

/** What the validator knows besides the file: the catalog of components and presets, and the canonical entities. */
export interface ValidationContext {
  readonly catalog: ComponentCatalog;
  /** Names of the built-in entities (mapping/ owns them); custom ones may not reuse them. */
  readonly canonicalEntities: readonly string[];
  readonly compiler?: SchemaCompiler;
}

/**
 * Validates a parsed config against the shipped JSON Schema and the loaded plugins: presets are
 * merged, the schema is checked with every error collected, component `type`s are looked up in the
 * catalog and plugin options checked against their schemas, then cross-references (entities, cron,
 * ids). Values that lack a variable in an optional connector are not judged.
 * @example
 * const result = validateConfig(parsed, { catalog: registry, canonicalEntities: ['store', 'product'] });
 * if (!result.ok) for (const issue of result.issues) console.error(formatConfigIssue(issue));
 */
export function validateConfig(parsed: ParsedConfig, context: ValidationContext): ValidationResult {
  const { catalog, canonicalEntities } = context;
  const compiler = context.compiler ?? defaultSchemaCompiler();
  const idleConnectors = parsed.idleConnectors;
  if (parsed.hasSyntaxErrors) return { ok: false, issues: parsed.issues, idleConnectors };

  let fromPreset: ReadonlyMap<string, string> = new Map();
  const ctx = issueContext(parsed, () => fromPreset);
  const presets = applyPresets(parsed.value, catalog, ctx);
  fromPreset = presets.fromPreset;
  const config = presets.value;

  const validate = compiler.core();
  const schemaIssues = validate(config) ? [] : issuesFromAjv(validate.errors ?? [], ctx, { data: config, base: [] });
  const sites = findComponents(config, ConnectdConfigSchema, catalog);

  const issues = sortIssues([
    ...parsed.issues,
    ...presets.issues,
    ...schemaIssues,
    ...checkComponents(sites, catalog, compiler, ctx),
    ...checkSemantics(config, ctx, canonicalEntities),
  ]).map((issue) => scrub(issue, parsed.secretValues));

  if (issues.length > 0) return { ok: false, issues, idleConnectors };
  return { ok: true, config: toModel(config), idleConnectors, secretValues: parsed.secretValues };
}

/**
 * Parses and validates a file in one step, throwing `CONNECTD_ERR_CONFIG_INVALID` (exit code 2)
 * with every issue when it is not valid.
 * @example
 * const { config, idleConnectors, secretValues } = await loadConfig('connectors.yaml', process.env, { catalog: registry, canonicalEntities });
 */
export async function loadConfig(path: string, env: Env, context: ValidationContext): Promise<ValidConfig> {
  const parsed = await parseConfigFile(path, env);
  const result = validateConfig(parsed, context);
  if (!result.ok) throw configInvalidError(parsed.file, result.issues);
  return result;
}

/**
 * The aggregate error for callers that throw: `CONNECTD_ERR_CONFIG_INVALID` carrying `{ issues }`,
 * its message one formatted line per issue.
 */
export function configInvalidError(file: string, issues: readonly ConfigIssue[]): ConnectdError {
  return CONFIG_INVALID({ file, issues });
}

function issueContext(parsed: ParsedConfig, presetOrigins: () => ReadonlyMap<string, string>): IssueContext {
  return {
    file: parsed.file,
    locate(path, anchor) {
      const origins = presetOrigins();
      for (let depth = path.length; depth > 2; depth--) {
        const preset = origins.get(pathKey(path.slice(0, depth)));
        // A value the file does not contain came from a preset: point at the `extends` line.
        if (preset !== undefined) return { ...valuePositionOf(parsed, [...path.slice(0, 2), 'extends']), note: `from preset ${preset}` };
      }
      return anchor === 'key' ? positionOf(parsed, path) : valuePositionOf(parsed, path);
    },
    skip: (path: YamlPath) => parsed.unresolvedPaths.some((unresolved) => isWithin(path, unresolved)),
    fromEnv: (path: YamlPath) => parsed.interpolatedPaths.has(pathKey(path)),
  };
}

/** Last line of defence: no secret value survives into an issue, whatever produced it. */
function scrub(issue: ConfigIssue, secrets: readonly string[]): ConfigIssue {
  let { message, suggestion } = issue;
  // Same floor as the logger's scrubber: shorter strings would blank out ordinary words.
  for (const secret of secrets.filter((value) => value.length >= 4)) {
    message = message.split(secret).join('[redacted]');
    suggestion = suggestion?.split(secret).join('[redacted]');
  }
  return suggestion === undefined ? { ...issue, message } : { ...issue, message, suggestion };
}

/**
 * The validated file with its optional lists filled in. Every value passed the schema except those
 * of idle connectors that lack a variable (left as empty strings, never run), hence the one cast.
 */
function toModel(value: unknown): ConnectdConfig {
  const raw = value as ConfigShape;
  return { ...raw, plugins: raw.plugins ?? [], entities: raw.entities ?? {} };
}
