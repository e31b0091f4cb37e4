import { defineError } from '../define-error.js';

// Errors of `connectd init` (scaffold/). Codes are never reused once retired; add new ones at the end.

export const SCAFFOLD_NAME_INVALID = defineError<{ name: string; pattern: string }>({
  code: 'CONNECTD_ERR_SCAFFOLD_NAME_INVALID',
  exitCode: 2,
  meaning: '`connectd init connector` was given a name that cannot be both an npm package suffix and a plugin namespace.',
  fix: 'Use lower-case letters, digits and dashes, starting with a letter, e.g. `acme` or `acme-pos`.',
  message: (d) => `connector name ${JSON.stringify(d.name)} does not match ${d.pattern}`,
});

export const SCAFFOLD_TARGET_NOT_EMPTY = defineError<{ dir: string; entries: number }>({
  code: 'CONNECTD_ERR_SCAFFOLD_TARGET_NOT_EMPTY',
  exitCode: 2,
  meaning: '`connectd init` writes only into a new or empty folder, so it never overwrites your files.',
  fix: 'Name a new folder with `--dir`, or empty the one you named.',
  message: (d) => `${d.dir} is not empty (${d.entries} entr${d.entries === 1 ? 'y' : 'ies'}); nothing was written`,
});
