import { readFile } from 'node:fs/promises';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { CONFIG_ENV_MISSING, CONFIG_ENV_SYNTAX, CONFIG_FILE_NOT_FOUND, CONFIG_FILE_UNREADABLE, CONFIG_YAML_SYNTAX } from '../errors/index.js';
import { interpolate, type Env } from './interpolate.js';
import { formatYamlPath, pathKey, sortIssues, type ConfigIssue, type YamlPath } from './issues.js';
import { isMergeKey, valuePositionOf, type SourceTree } from './positions.js';
import { isSecretPosition } from './secret-positions.js';

/** A variable an optional connector needs but the environment lacks. */
export interface MissingVariable {
  readonly variable: string;
  /** Dotted YAML path of the value that uses it. */
  readonly path: string;
  readonly line: number;
  readonly col: number;
}

/** An `optional: true` connector that stays idle because variables it uses are missing. */
export interface IdleConnector {
  /** The connector's YAML key. */
  readonly connector: string;
  readonly missing: readonly MissingVariable[];
}

/**
 * A config file read and interpolated, with its YAML tree kept for positions. Not yet validated:
 * pass it to `validateConfig` together with the catalog of loaded plugins.
 */
export interface ParsedConfig extends SourceTree {
  /** The file name as given. */
  readonly file: string;
  /** The interpolated content as plain data (undefined after a YAML syntax error). */
  readonly value: unknown;
  /** The package names under `plugins:` (strings only), to load before validation. */
  readonly plugins: readonly string[];
  /** Syntax and environment problems found while parsing. */
  readonly issues: readonly ConfigIssue[];
  /** True when the YAML itself is broken; validation then reports only these issues. */
  readonly hasSyntaxErrors: boolean;
  /** Values interpolated into secret positions; hand them to the logger to scrub. */
  readonly secretValues: readonly string[];
  readonly idleConnectors: readonly IdleConnector[];
  /** Paths whose value lacks a variable; validation does not judge them. */
  readonly unresolvedPaths: readonly YamlPath[];
  /** Path key → variables interpolated there; messages never echo those values. */
  readonly interpolatedPaths: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads and parses a config file. The only I/O of the config layer.
 * @example
 * const parsed = await parseConfigFile('connectors.yaml', process.env);
 * const result = validateConfig(parsed, catalog);
 */
export async function parseConfigFile(path: string, env: Env): Promise<ParsedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ENOENT') throw CONFIG_FILE_NOT_FOUND({ file: path }, { cause });
    throw CONFIG_FILE_UNREADABLE({ file: path, reason: typeof code === 'string' ? code : 'read failed' }, { cause });
  }
  return parseConfigText(text, path, env);
}

// `{ token: ${X} }` is the classic trap: braces end a plain scalar inside a flow mapping.
const FLOW_HINT = ' (inside { } or [ ], quote values that contain ${...}: token: "${API_KEY}")';

function lineOf(text: string, lineCounter: LineCounter, line: number): string {
  const start = lineCounter.lineStarts[line - 1] ?? 0;
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

interface Collector {
  readonly issues: ConfigIssue[];
  readonly missing: Array<{ variable: string; path: YamlPath }>;
  readonly secrets: Set<string>;
  readonly unresolved: YamlPath[];
  readonly interpolated: Map<string, readonly string[]>;
}

/**
 * Parses config text: YAML with positions, then `${VAR}` / `${VAR:-default}` interpolation in
 * every string value (keys are never interpolated).
 * @example
 * const parsed = parseConfigText('version: 1\nconnectors: {}\n', 'connectors.yaml', {});
 */
export function parseConfigText(text: string, fileName: string, env: Env): ParsedConfig {
  const lineCounter = new LineCounter();
  // merge: anchors and `<<` keys let users share blocks between connectors.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const tree: SourceTree = { document, lineCounter };
  const base = { file: fileName, document, lineCounter };
  const empty = { plugins: [], secretValues: [], idleConnectors: [], unresolvedPaths: [], interpolatedPaths: new Map() };

  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const detail = error.message.split('\n')[0] ?? error.message;
      const hint = lineOf(text, lineCounter, line).includes('${') ? FLOW_HINT : '';
      return { code: CONFIG_YAML_SYNTAX.code, file: fileName, line, col, path: '(root)', message: `YAML syntax error: ${detail}${hint}` };
    });
    return { ...base, ...empty, value: undefined, issues: sortIssues(issues), hasSyntaxErrors: true };
  }

  const collector: Collector = { issues: [], missing: [], secrets: new Set(), unresolved: [], interpolated: new Map() };
  visit(document, (document.contents ?? undefined) as Node | undefined, [], env, collector, tree, fileName);

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (cause) {
    // Alias bombs and similar: yaml refuses to expand them; report instead of crashing.
    const detail = cause instanceof Error ? cause.message : 'could not be converted';
    const issue = { code: CONFIG_YAML_SYNTAX.code, file: fileName, line: 1, col: 1, path: '(root)', message: `YAML syntax error: ${detail}` };
    return { ...base, ...empty, value: undefined, issues: [issue], hasSyntaxErrors: true };
  }

  const idle = new Map<string, MissingVariable[]>();
  for (const { variable, path } of collector.missing) {
    // A destination lacking a variable (its secret, its URL) stays idle instead of failing the
    // file: the daemon starts and status says why (destinations/ sees the empty value).
    if (path[0] === 'destinations') continue;
    const { line, col } = valuePositionOf(tree, path);
    const connector = optionalConnectorOf(value, path);
    if (connector !== undefined) {
      const list = idle.get(connector) ?? [];
      list.push({ variable, path: formatYamlPath(path), line, col });
      idle.set(connector, list);
      continue;
    }
    const hint = typeof path[1] === 'string' && path[0] === 'connectors' ? ` (or mark connector "${path[1]}" optional: true)` : '';
    collector.issues.push({
      code: CONFIG_ENV_MISSING.code,
      file: fileName,
      line,
      col,
      path: formatYamlPath(path),
      message: `environment variable ${variable} is not set; set it or write \${${variable}:-default}${hint}`,
    });
  }

  return {
    ...base,
    value,
    plugins: pluginNames(value),
    issues: sortIssues(collector.issues),
    hasSyntaxErrors: false,
    secretValues: [...collector.secrets],
    idleConnectors: [...idle].map(([connector, missing]) => ({ connector, missing })),
    unresolvedPaths: collector.unresolved,
    interpolatedPaths: collector.interpolated,
  };
}

function visit(document: Document, node: Node | undefined, path: YamlPath, env: Env, out: Collector, tree: SourceTree, file: string): void {
  if (node === undefined || isAlias(node)) return; // an alias is interpolated where its anchor is
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const child = (pair.value ?? undefined) as Node | undefined;
      // An inline `<<: { ... }` merges into this mapping, so its values live at this path.
      if (isMergeKey(pair.key)) visit(document, child, path, env, out, tree, file);
      else visit(document, child, [...path, key], env, out, tree, file);
    }
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, index) => visit(document, item as Node, [...path, index], env, out, tree, file));
    return;
  }
  if (isScalar(node) && typeof node.value === 'string') interpolateScalar(node, path, env, out, tree, file);
}

function interpolateScalar(node: Scalar, path: YamlPath, env: Env, out: Collector, tree: SourceTree, file: string): void {
  const raw = node.value as string;
  if (!raw.includes('${')) return;
  const result = interpolate(raw, env);
  for (const detail of result.errors) {
    const { line, col } = valuePositionOf(tree, path);
    out.issues.push({ code: CONFIG_ENV_SYNTAX.code, file, line, col, path: formatYamlPath(path), message: `bad variable reference: ${detail}` });
  }
  for (const variable of result.missing) out.missing.push({ variable, path });
  if (result.missing.length > 0) out.unresolved.push(path);
  let secret = false;
  for (const used of result.used) {
    if (isSecretPosition(path, used.variable)) {
      secret = true;
      if (used.value !== '') out.secrets.add(used.value);
    }
  }
  if (result.interpolated) out.interpolated.set(pathKey(path), [...new Set([...result.used.map((u) => u.variable), ...result.missing])]);
  // A plain `port: ${PORT:-3000}` reads as the number YAML would have seen; quoted stays a string,
  // and secrets always stay strings (a numeric PIN is still text).
  const coerce = result.whole && result.missing.length === 0 && node.type === 'PLAIN' && !secret;
  node.value = coerce ? scalarFrom(result.value) : result.value;
}

function scalarFrom(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[-+]?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** The connector key when `path` lies in a connector declared `optional: true`. */
function optionalConnectorOf(value: unknown, path: YamlPath): string | undefined {
  const name = path[1];
  if (path[0] !== 'connectors' || typeof name !== 'string') return undefined;
  const connectors = (value as { connectors?: unknown } | null | undefined)?.connectors;
  if (typeof connectors !== 'object' || connectors === null) return undefined;
  const connector = (connectors as Record<string, unknown>)[name];
  return (connector as { optional?: unknown } | undefined)?.optional === true ? name : undefined;
}

function pluginNames(value: unknown): string[] {
  const plugins = (value as { plugins?: unknown } | null | undefined)?.plugins;
  return Array.isArray(plugins) ? plugins.filter((name): name is string => typeof name === 'string') : [];
}
