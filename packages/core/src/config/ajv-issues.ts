import type { ErrorObject } from 'ajv';
import { CONFIG_MISSING_KEY, CONFIG_SCHEMA, CONFIG_UNKNOWN_KEY } from '../errors/index.js';
import { didYouMean } from '../errors/index.js';
import { issueAt, type ConfigIssue, type IssueContext, type PathSegment, type YamlPath } from './issues.js';

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};
const SHAPE_KEYWORDS = new Set(['type', 'const', 'enum']);

export interface AjvIssueOptions {
  /** The validated data, to tell list indexes from mapping keys in ajv's instance paths. */
  readonly data: unknown;
  /** Where `data` sits in the file (the component's path for plugin options). */
  readonly base: YamlPath;
  /** Errors to drop (e.g. `type` values the catalog checks with better suggestions). */
  readonly ignore?: (error: ErrorObject, path: YamlPath) => boolean;
}

/**
 * Turns ajv errors into config issues: one per real problem, at the right line, with "did you
 * mean". ajv's `allErrors` output repeats itself around if/then and anyOf/oneOf; those cascades are
 * collapsed here so users see the useful message only.
 */
export function issuesFromAjv(errors: readonly ErrorObject[], ctx: IssueContext, options: AjvIssueOptions): ConfigIssue[] {
  const relevant = collapseAlternatives(errors.filter((e) => e.keyword !== 'if'));
  const misspelt = misspeltRequired(relevant);
  const issues: ConfigIssue[] = [];
  for (const error of relevant) {
    if (error.keyword === 'propertyNames') continue; // reported through its inner error (propertyName set)
    // `tokn:` is reported as unknown with "did you mean token"; "token is missing" would be noise.
    if (error.keyword === 'required' && misspelt.has(`${error.instancePath}\0${String(error.params.missingProperty)}`)) continue;
    const path = [...options.base, ...toSegments(error.instancePath, options.data)];
    if (options.ignore?.(error, path) === true) continue;
    const issue = toIssue(error, path, ctx);
    if (issue !== undefined) issues.push(issue);
  }
  return issues;
}

/** `instancePath NUL key` for each unknown key that looks like a misspelling of a known one. */
function misspeltRequired(errors: readonly ErrorObject[]): Set<string> {
  const out = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
    const suggestion = didYouMean(String(error.params.additionalProperty), known);
    if (suggestion !== undefined) out.add(`${error.instancePath}\0${suggestion}`);
  }
  return out;
}

function toIssue(error: ErrorObject, path: YamlPath, ctx: IssueContext): ConfigIssue | undefined {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const propertyName = (error as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    const keyPath = [...path, propertyName];
    if (ctx.skip(keyPath)) return undefined;
    return issueAt(ctx, CONFIG_SCHEMA.code, keyPath, 'key', `name "${propertyName}" ${describe(error, parent, params)}`);
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = [...path, key];
      if (ctx.skip(keyPath)) return undefined;
      const known = Object.keys((parent.properties ?? {}) as object);
      return issueAt(ctx, CONFIG_UNKNOWN_KEY.code, keyPath, 'key', `unknown key "${key}"`, didYouMean(key, known));
    }
    case 'required':
    case 'dependencies':
    case 'dependentRequired': {
      if (ctx.skip(path)) return undefined;
      const missing = String(params.missingProperty);
      const why = error.keyword === 'required' ? '' : ` (needed with "${String(params.property)}")`;
      return issueAt(ctx, CONFIG_MISSING_KEY.code, path, 'key', `missing required key "${missing}"${why}`);
    }
    case 'x-one-of-required': {
      if (ctx.skip(path)) return undefined;
      return issueAt(ctx, CONFIG_MISSING_KEY.code, path, 'key', error.message ?? 'missing a required key');
    }
    default: {
      if (ctx.skip(path)) return undefined;
      const suggestion =
        error.keyword === 'enum' && typeof error.data === 'string' && !ctx.fromEnv(path)
          ? didYouMean(error.data, (params.allowedValues as unknown[]).map(String))
          : undefined;
      return issueAt(ctx, CONFIG_SCHEMA.code, path, 'value', describe(error, parent, params), suggestion);
    }
  }
}

/** A message that names what is expected, never the value found (it may come from a secret). */
function describe(error: ErrorObject, parent: Record<string, unknown>, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'type':
      return `must be ${typeWords(params.type)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
      return typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `must match the pattern ${String(params.pattern)}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`;
    case 'uniqueItems':
      return `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'format':
      return `must be a valid ${String(params.format)}`;
    case 'not':
    case 'false schema':
      return 'is not allowed here';
    case 'oneOf': {
      // `oneOf: [{ required: [a] }, { required: [b] }]`: exactly one of two keys.
      const keys = Array.isArray(error.schema) ? error.schema.map((branch: unknown) => requiredOnly(branch)) : [];
      if (keys.length > 1 && keys.every((key) => key !== undefined)) {
        const quoted = keys.map((k) => `"${k}"`);
        if (quoted.length === 2) return `give either ${quoted.join(' or ')}, not both`;
        return `give exactly one of ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
      }
      return 'matches more than one of the allowed forms; keep only one';
    }
    default:
      return error.message ?? `fails "${error.keyword}"`;
  }
}

/** The one key a `{ required: [key] }` branch asks for, or undefined for any other branch. */
function requiredOnly(branch: unknown): string | undefined {
  if (typeof branch !== 'object' || branch === null) return undefined;
  const entries = Object.entries(branch);
  const required = (branch as { required?: unknown }).required;
  return entries.length === 1 && Array.isArray(required) && required.length === 1 ? String(required[0]) : undefined;
}

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** ajv's JSON pointer as path segments, numbers where the data has a list. */
function toSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: PathSegment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[String(segment)] : undefined;
  }
  return segments;
}

/**
 * Replaces each failed anyOf/oneOf and the branch errors ajv emitted before it with what a person
 * needs: the branch's detailed errors when the value had the right shape, or "must be X or Y".
 * Branch errors are the ones directly before the anyOf error, inside its instance and schema path
 * (or inside a referenced definition, whose paths ajv restarts).
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if ((error.keyword !== 'anyOf' && error.keyword !== 'oneOf') || !Array.isArray(error.schema)) {
      out.push(error);
      continue;
    }
    const branch: ErrorObject[] = [];
    while (out.length > 0) {
      const previous = out[out.length - 1] as ErrorObject;
      const inInstance = previous.instancePath === error.instancePath || previous.instancePath.startsWith(`${error.instancePath}/`);
      const inSchema = previous.schemaPath.startsWith(`${error.schemaPath}/`) || /^#\/(definitions|\$defs)\//.test(previous.schemaPath);
      if (!inInstance || !inSchema) break;
      branch.unshift(previous);
      out.pop();
    }
    // A oneOf that matched several branches: the other branches' errors are beside the point.
    const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
    if (branch.length === 0 || (error.keyword === 'oneOf' && Array.isArray(passing))) {
      out.push(error);
      continue;
    }
    out.push(...replacementFor(error, branch));
  }
  return out;
}

function replacementFor(error: ErrorObject, branch: readonly ErrorObject[]): ErrorObject[] {
  const detailed = branch.filter((e) => e.instancePath !== error.instancePath || !SHAPE_KEYWORDS.has(e.keyword));
  const missing = detailed.filter((e) => e.keyword === 'required' && e.instancePath === error.instancePath);
  if (detailed.length > 0 && missing.length === detailed.length && missing.length > 1) {
    const names = missing.map((e) => `"${String((e.params as { missingProperty?: unknown }).missingProperty)}"`);
    return [{ ...error, keyword: 'x-one-of-required', message: `needs one of ${names.join(' or ')}` }];
  }
  if (detailed.length > 0) return detailed;
  // Per branch: a wrong type says it all; only a branch of the right type lists its values.
  const branches = new Map<string, ErrorObject[]>();
  for (const e of branch) {
    const inside = e.schemaPath.startsWith(`${error.schemaPath}/`);
    const key = inside ? (e.schemaPath.slice(error.schemaPath.length + 1).split('/')[0] ?? '') : e.schemaPath.replace(/\/[^/]*$/, '');
    branches.set(key, [...(branches.get(key) ?? []), e]);
  }
  const expected = new Set<string>();
  for (const errors of branches.values()) {
    const typeError = errors.find((e) => e.keyword === 'type');
    if (typeError !== undefined) {
      expected.add(typeWords((typeError.params as Record<string, unknown>).type));
      continue;
    }
    for (const e of errors) {
      const params = e.params as Record<string, unknown>;
      if (e.keyword === 'const') expected.add(JSON.stringify(params.allowedValue));
      else if (e.keyword === 'enum') (params.allowedValues as unknown[]).forEach((v) => expected.add(JSON.stringify(v)));
    }
  }
  return [{ ...error, keyword: 'x-alternatives', message: `must be ${[...expected].join(' or ')}` }];
}

