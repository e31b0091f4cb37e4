/** One path segment of a YAML location: a mapping key or a list index. */
export type PathSegment = string | number;

/** A YAML location as segments, e.g. `['connectors', 'storq', 'auth', 'token']`. */
export type YamlPath = readonly PathSegment[];

/** A 1-based line and column in the config file. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/**
 * One problem in a config file. Validation collects all of them before reporting, so a user fixes
 * everything in one pass. Messages name keys, paths and variables, never a variable's value.
 */
export interface ConfigIssue {
  /** A code from errors/codes/config.ts, e.g. CONNECTD_ERR_CONFIG_UNKNOWN_KEY; tests and tools match on it. */
  readonly code: string;
  /** The config file as it was given (relative stays relative). */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted YAML path, e.g. `connectors.storq.streams.stock.pagination.type`. */
  readonly path: string;
  readonly message: string;
  /** The closest known name, for "did you mean". */
  readonly suggestion?: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Renders a path as people read it: `connectors.storq.auth`, `plugins[1]`, and quoted keys for
 * names with dots or spaces (`webhooks.events["stock.updated"].map`) so the path stays unambiguous.
 * @example
 * formatYamlPath(['connectors', 'storq', 'streams', 0]); // 'connectors.storq.streams[0]'
 */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Formats an issue as one line: `file:line:col  yaml.path  message`, with two spaces between the
 * parts and `Did you mean "x"?` appended when there is a suggestion.
 * @example
 * formatConfigIssue(issue);
 * // connectors.yaml:12:7  connectors.storq.auth.tokn  unknown key "tokn". Did you mean "token"?
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const hint = issue.suggestion === undefined ? '' : `. Did you mean "${issue.suggestion}"?`;
  return `${issue.file}:${issue.line}:${issue.col}  ${issue.path}  ${issue.message}${hint}`;
}

/** Orders issues by position, then path, and drops exact duplicates (one cause reported twice). */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique: ConfigIssue[] = [];
  for (const issue of issues) {
    const key = `${issue.line}:${issue.col}:${issue.path}:${issue.code}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(issue);
  }
  return unique.sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
}

/** True when `inner` equals `outer` or lies below it. */
export function isWithin(inner: YamlPath, outer: YamlPath): boolean {
  if (inner.length < outer.length) return false;
  return outer.every((segment, i) => String(segment) === String(inner[i]));
}

/** A stable string key for a path, for sets and maps. */
export function pathKey(path: YamlPath): string {
  return JSON.stringify(path.map(String));
}

/** What issue builders need: the file, positions (preset-aware), and which paths not to judge. */
export interface IssueContext {
  readonly file: string;
  /** Position for a path; `key` points at the key, `value` at the value. `note` explains odd places. */
  locate(path: YamlPath, anchor: 'key' | 'value'): SourcePosition & { readonly note?: string };
  /** True for values that lack an environment variable (idle connectors, reported elsewhere). */
  skip(path: YamlPath): boolean;
  /** True when the value came from the environment; messages must not echo it. */
  fromEnv(path: YamlPath): boolean;
}

/** Builds one issue at a path, adding the locator's note (e.g. "from preset storq/default"). */
export function issueAt(
  ctx: IssueContext,
  code: string,
  path: YamlPath,
  anchor: 'key' | 'value',
  message: string,
  suggestion?: string,
): ConfigIssue {
  const { line, col, note } = ctx.locate(path, anchor);
  const text = note === undefined ? message : `${message} (${note})`;
  const issue = { code, file: ctx.file, line, col, path: formatYamlPath(path), message: text };
  return suggestion === undefined ? issue : { ...issue, suggestion };
}
