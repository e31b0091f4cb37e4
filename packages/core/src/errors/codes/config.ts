import { defineError } from '../define-error.js';

// Errors of the config area. Codes are never reused once retired; add new ones at the end.
// Every config error is bad input: exit code 2. Messages name paths and variables, never values.

export const CONFIG_FILE_NOT_FOUND = defineError<{ file: string }>({
  code: 'CONNECTD_ERR_CONFIG_FILE_NOT_FOUND',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The config file does not exist.',
  fix: 'Pass the right file with --config, or create connectors.yaml in the working directory.',
  message: (d) => `config file ${d.file} not found; pass --config <file> or create it`,
});

export const CONFIG_FILE_UNREADABLE = defineError<{ file: string; reason: string }>({
  code: 'CONNECTD_ERR_CONFIG_FILE_UNREADABLE',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The config file exists but could not be read (a directory, or no permission).',
  fix: 'Point --config at a readable YAML file.',
  message: (d) => `config file ${d.file} could not be read (${d.reason})`,
});

export const CONFIG_YAML_SYNTAX = defineError<{ path: string; detail: string }>({
  code: 'CONNECTD_ERR_CONFIG_YAML_SYNTAX',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The config file is not valid YAML.',
  fix: 'Fix the YAML at the reported line and column (indentation, quotes, duplicate keys).',
  message: (d) => `YAML syntax error: ${d.detail}`,
});

export const CONFIG_ENV_MISSING = defineError<{ variable: string; path: string }>({
  code: 'CONNECTD_ERR_CONFIG_ENV_MISSING',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A ${VAR} in the config names an environment variable that is unset or empty.',
  fix: 'Set the variable, give it a default with ${VAR:-default}, or mark the connector `optional: true`.',
  message: (d) => `environment variable ${d.variable} is not set (used at ${d.path})`,
});

export const CONFIG_ENV_SYNTAX = defineError<{ path: string; detail: string }>({
  code: 'CONNECTD_ERR_CONFIG_ENV_SYNTAX',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A ${...} reference in the config is malformed.',
  fix: 'Write ${NAME} or ${NAME:-default} with NAME made of letters, digits and _; write $${ for a literal ${.',
  message: (d) => `bad variable reference at ${d.path}: ${d.detail}`,
});

export const CONFIG_UNKNOWN_KEY = defineError<{ path: string; key: string }>({
  code: 'CONNECTD_ERR_CONFIG_UNKNOWN_KEY',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The config has a key the schema does not know (often a typo).',
  fix: 'Remove the key or correct its spelling; the message suggests the closest known key.',
  message: (d) => `unknown key "${d.key}" at ${d.path}`,
});

export const CONFIG_MISSING_KEY = defineError<{ path: string; key: string }>({
  code: 'CONNECTD_ERR_CONFIG_MISSING_KEY',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A required key is missing from the config.',
  fix: 'Add the key at the reported place; docs/config-reference.md lists what each block needs.',
  message: (d) => `missing required key "${d.key}" at ${d.path}`,
});

export const CONFIG_SCHEMA = defineError<{ path: string; detail: string }>({
  code: 'CONNECTD_ERR_CONFIG_SCHEMA',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A value in the config has the wrong type or form (not a number, not one of the allowed words, a bad cron expression).',
  fix: 'Change the value as the message says; docs/config-reference.md describes every key.',
  message: (d) => `${d.path}: ${d.detail}`,
});

export const CONFIG_UNKNOWN_TYPE = defineError<{ path: string; slot: string }>({
  code: 'CONNECTD_ERR_CONFIG_UNKNOWN_TYPE',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A component `type` (auth, pagination, webhook verifier, rate-limit adapter, error classifier) is neither built in nor provided by a loaded plugin.',
  fix: 'Correct the spelling, or add the plugin that provides it to `plugins:`.',
  message: (d) => `unknown ${d.slot} type at ${d.path}`,
});

export const CONFIG_UNKNOWN_PRESET = defineError<{ path: string; preset: string }>({
  code: 'CONNECTD_ERR_CONFIG_UNKNOWN_PRESET',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A connector `extends:` a preset that no loaded plugin provides.',
  fix: 'Use `<namespace>/<preset>` of a plugin listed under `plugins:`; the message suggests the closest one.',
  message: (d) => `unknown preset "${d.preset}" at ${d.path}`,
});

export const CONFIG_UNKNOWN_ENTITY = defineError<{ path: string }>({
  code: 'CONNECTD_ERR_CONFIG_UNKNOWN_ENTITY',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A stream or webhook event maps onto an entity that is neither canonical nor declared under `entities:`.',
  fix: 'Use store, product, inventory_level, transaction or order, or declare the entity under `entities:`.',
  message: (d) => `unknown entity at ${d.path}`,
});

export const CONFIG_UNKNOWN_STREAM = defineError<{ path: string }>({
  code: 'CONNECTD_ERR_CONFIG_UNKNOWN_STREAM',
  exitCode: 2,
  httpStatus: 400,
  meaning: "A stream's `after:` or a webhook event's `run_stream:` names a stream the connector does not declare, or `after:` goes round in a circle.",
  fix: 'Name streams declared under the same connector\'s `streams:`, and order them so that none waits for itself.',
  message: (d) => `unknown or circular stream reference at ${d.path}`,
});

type IssueLine = { code: string; line: number; col: number; path: string; message: string; suggestion?: string };

export const CONFIG_INVALID = defineError<{ file: string; issues: readonly IssueLine[] }>({
  code: 'CONNECTD_ERR_CONFIG_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The config has one or more problems; each is listed with its own code, position and YAML path.',
  fix: 'Fix every listed problem (run `connectd validate` to see them all), then start again.',
  // The same one-line form as config/formatConfigIssue, so a thrown error reads like `validate`.
  message: (d) =>
    [
      `${d.file} has ${d.issues.length} problem${d.issues.length === 1 ? '' : 's'}:`,
      ...d.issues.map((i) => `${d.file}:${i.line}:${i.col}  ${i.path}  ${i.message}${i.suggestion === undefined ? '' : `. Did you mean "${i.suggestion}"?`}`),
    ].join('\n'),
});
