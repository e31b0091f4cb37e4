/**
 * Turns ajv's errors into short readable lines for dead letters, e.g. `/quantity must be number`,
 * `/sku is required`, `/colour is not allowed`. Values from the record are never quoted, only
 * names from the schema, so a reason cannot leak record contents.
 */
import type { ErrorObject } from 'ajv';

/** The readable lines for one failed validation, in ajv's order, without repeats. */
export function formatValidationErrors(errors: readonly ErrorObject[]): string[] {
  const lines: string[] = [];
  // ajv reports each failed anyOf branch; when every branch only asked for one property (missing,
  // or present with the wrong type), say "must have one of" once instead of a line per branch.
  const collapsed = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branches = errors.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`));
    const named = branches.map((e) => branchField(e, error.instancePath));
    if (branches.length > 0 && named.every((name) => name !== undefined)) {
      const names = named.map((name) => `"${name}"`);
      lines.push(`${error.instancePath || '/'} must have one of ${[...new Set(names)].join(', ')} as a string`);
      for (const branch of branches) collapsed.add(branch.schemaPath);
      collapsed.add(error.schemaPath);
    }
  }
  for (const error of errors) {
    if (collapsed.has(error.schemaPath)) continue;
    lines.push(formatOne(error));
  }
  return [...new Set(lines)];
}

/** The property an anyOf branch error is about, when it is "missing" or "wrong type" of a direct child. */
function branchField(error: ErrorObject, parent: string): string | undefined {
  if (error.keyword === 'required' && error.instancePath === parent) return String(error.params['missingProperty']);
  if (error.keyword !== 'type' || !error.instancePath.startsWith(`${parent}/`)) return undefined;
  const rest = error.instancePath.slice(parent.length + 1);
  return rest.includes('/') ? undefined : rest.replace(/~1/g, '/').replace(/~0/g, '~');
}

function formatOne(error: ErrorObject): string {
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return `${at}/${String(error.params['missingProperty'])} is required`;
    case 'additionalProperties':
      return `${at}/${String(error.params['additionalProperty'])} is not allowed`;
    case 'type':
      return `${at || '/'} must be ${String(error.params['type']).replace(/,/g, ' or ')}`;
    case 'format':
      return `${at || '/'} must be a ${String(error.params['format'])} string`;
    default:
      return `${at || '/'} ${error.message ?? `fails ${error.keyword}`}`;
  }
}
