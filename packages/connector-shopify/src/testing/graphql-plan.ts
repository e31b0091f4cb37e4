import type { GqlDirective, GqlDocument, GqlField, GqlLocation, GqlOperation, GqlSelection } from './graphql-ast.js';
import { MAX_SHOPIFY_PAGE_SIZE } from './graphql-connections.js';
import { coerceJson, coerceLiteral, printValue } from './graphql-coerce.js';
import type { GraphqlError } from './graphql-errors.js';
import type { FieldDef, Schema, TypeDef } from './graphql-types.js';

/** One field to execute: its definition, coerced arguments and the fields selected under it. */
export interface PlanField {
  readonly key: string;
  readonly name: string;
  /** Undefined for `__typename`. */
  readonly def: FieldDef | undefined;
  /** The type the field is selected on (for `__typename`). */
  readonly parentType: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly children: PlanField[];
  readonly loc: GqlLocation;
}

/** A validated operation, ready to cost and execute. */
export interface Plan {
  readonly operation: GqlOperation['operation'];
  readonly rootType: string;
  readonly fields: PlanField[];
}

interface Walk {
  readonly schema: Schema;
  readonly doc: GqlDocument;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly declared: ReadonlySet<string>;
  readonly opLabel: string;
  readonly errors: GraphqlError[];
}

function fail(walk: Walk, message: string, loc: GqlLocation, path: readonly string[], extensions: Record<string, unknown>): void {
  walk.errors.push({ message, locations: [loc], path: [walk.opLabel, ...path], extensions });
}

function included(walk: Walk, directives: readonly GqlDirective[], loc: GqlLocation, path: readonly string[]): boolean {
  for (const directive of directives) {
    if (directive.name !== 'include' && directive.name !== 'skip') {
      fail(walk, `Directive @${directive.name} is not defined`, loc, path, { code: 'undefinedDirective', directiveName: directive.name });
      continue;
    }
    const condition = directive.args.find((a) => a.name === 'if');
    const value = condition === undefined ? undefined : coerceLiteral(condition.value, 'Boolean!', undefined, walk.variables);
    if (value === undefined || !value.ok) {
      fail(walk, `Directive @${directive.name} needs a Boolean if argument`, loc, path, { code: 'missingRequiredArguments' });
      continue;
    }
    if ((directive.name === 'include') !== value.value) return false;
  }
  return true;
}

function args(walk: Walk, field: GqlField, def: FieldDef, typeName: string, path: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const invalid = new Set<string>();
  const defs = def.args ?? {};
  for (const arg of field.args) {
    const argDef = defs[arg.name];
    if (argDef === undefined) {
      fail(walk, `Field '${field.name}' doesn't accept argument '${arg.name}'`, arg.loc, path, { code: 'argumentNotAccepted', name: field.name, typeName: 'Field', argumentName: arg.name });
      continue;
    }
    if (arg.value.kind === 'Variable' && !walk.declared.has(arg.value.name)) {
      fail(walk, `Variable $${arg.value.name} is used by ${walk.opLabel} but not declared`, arg.loc, path, { code: 'variableNotDefined', variableName: arg.value.name });
      invalid.add(arg.name);
      continue;
    }
    const coerced = coerceLiteral(arg.value, argDef.type, argDef.enumValues, walk.variables);
    // An explicit null of a nullable argument means the same as leaving it out.
    if (coerced.ok) {
      if (coerced.value !== null) out[arg.name] = coerced.value;
    } else {
      invalid.add(arg.name);
      const expected = argDef.type.replace(/!$/, '');
      fail(walk, `Argument '${arg.name}' on Field '${field.name}' has an invalid value (${printValue(arg.value)}). Expected type '${expected}'.`, arg.loc, path, {
        code: 'argumentLiteralsIncompatible',
        typeName: 'Field',
        argumentName: arg.name,
      });
    }
  }
  const missing = Object.entries(defs).filter(([name, argDef]) => argDef.type.endsWith('!') && out[name] === undefined && !field.args.some((a) => a.name === name));
  if (missing.length > 0) {
    const names = missing.map(([name]) => name).join(', ');
    fail(walk, `Field '${field.name}' is missing required arguments: ${names}`, field.loc, path, { code: 'missingRequiredArguments', className: 'Field', name: field.name, arguments: names });
  }
  // A connection needs a page size; one given but invalid was reported above.
  if (def.type.kind === 'connection' && !invalid.has('first') && !invalid.has('last')) {
    const size = (out.first ?? out.last) as number | undefined;
    if (size === undefined) fail(walk, 'you must provide one of first or last', field.loc, path, { code: 'BAD_REQUEST', typeName });
    else if (size < 0 || size > MAX_SHOPIFY_PAGE_SIZE) fail(walk, `The page size must be between 0 and ${MAX_SHOPIFY_PAGE_SIZE}; got ${size}`, field.loc, path, { code: 'BAD_REQUEST' });
  }
  return out;
}

function planField(walk: Walk, type: TypeDef, field: GqlField, path: readonly string[]): PlanField | undefined {
  const key = field.alias ?? field.name;
  const here = [...path, key];
  if (field.name === '__typename') return { key, name: field.name, def: undefined, parentType: type.name, args: {}, children: [], loc: field.loc };
  const def = type.fields[field.name];
  if (def === undefined) {
    fail(walk, `Field '${field.name}' doesn't exist on type '${type.name}'`, field.loc, here, { code: 'undefinedField', typeName: type.name, fieldName: field.name });
    return undefined;
  }
  const fieldArgs = args(walk, field, def, type.name, here);
  const childType = def.type.kind === 'connection' ? `${def.type.node}Connection` : def.type.kind === 'object' ? def.type.name : undefined;
  if (childType === undefined) {
    if (field.selections !== undefined) {
      const returns = def.type.kind === 'scalar' ? def.type.name : '';
      fail(walk, `Selections can't be made on scalars (field '${field.name}' returns ${returns} but has selections [${field.selections.map((s) => (s.kind === 'Field' ? s.name : '...')).join(', ')}])`, field.loc, here, {
        code: 'selectionMismatch',
        nodeName: `field '${field.name}'`,
        typeName: returns,
      });
    }
    return { key, name: field.name, def, parentType: type.name, args: fieldArgs, children: [], loc: field.loc };
  }
  if (field.selections === undefined) {
    fail(walk, `Field must have selections (field '${field.name}' returns ${childType} but has no selections. Did you mean '${field.name} { ... }'?)`, field.loc, here, {
      code: 'selectionMismatch',
      nodeName: `field '${field.name}'`,
      typeName: childType,
    });
    return undefined;
  }
  const children = planSelections(walk, walk.schema.get(childType)!, field.selections, here);
  return { key, name: field.name, def, parentType: type.name, args: fieldArgs, children, loc: field.loc };
}

/** Adds a field to a selection, merging it into one of the same response key; the other field's name on a conflict. */
function mergeField(into: PlanField[], field: PlanField): string | undefined {
  const same = into.find((f) => f.key === field.key);
  if (same === undefined) {
    into.push(field);
    return undefined;
  }
  if (same.name !== field.name) return same.name;
  for (const child of field.children) mergeField(same.children, child);
  return undefined;
}

/** Plans a selection set: fragments expanded, @include/@skip applied, fields of one response key merged. */
function planSelections(walk: Walk, type: TypeDef, selections: readonly GqlSelection[], path: readonly string[], seen: ReadonlySet<string> = new Set()): PlanField[] {
  const out: PlanField[] = [];
  const add = (field: PlanField): void => {
    const conflict = mergeField(out, field);
    if (conflict !== undefined) fail(walk, `Field '${field.key}' conflict: ${conflict} or ${field.name}?`, field.loc, [...path, field.key], { code: 'fieldConflict' });
  };
  for (const selection of selections) {
    if (!included(walk, selection.directives, selection.loc, path)) continue;
    if (selection.kind === 'Field') {
      const planned = planField(walk, type, selection, path);
      if (planned !== undefined) add(planned);
      continue;
    }
    const fragment = selection.kind === 'FragmentSpread' ? walk.doc.fragments.get(selection.name) : undefined;
    if (selection.kind === 'FragmentSpread' && (fragment === undefined || seen.has(selection.name))) {
      fail(walk, fragment === undefined ? `Fragment ${selection.name} was used, but not defined` : `Fragment ${selection.name} contains an infinite loop`, selection.loc, path, { code: 'useAndDefineFragment', fragmentName: selection.name });
      continue;
    }
    const condition = fragment?.typeCondition ?? (selection.kind === 'InlineFragment' ? selection.typeCondition : undefined);
    if (condition !== undefined && condition !== type.name) {
      fail(walk, `Fragment on ${condition} can't be spread inside ${type.name}`, selection.loc, path, { code: 'cannotSpreadFragment', typeName: type.name, fragmentName: condition });
      continue;
    }
    const inner = fragment?.selections ?? (selection.kind === 'InlineFragment' ? selection.selections : []);
    const nextSeen = fragment === undefined ? seen : new Set([...seen, fragment.name]);
    for (const planned of planSelections(walk, type, inner, path, nextSeen)) add(planned);
  }
  return out;
}

function chooseOperation(doc: GqlDocument, operationName: string | undefined): GqlOperation | GraphqlError {
  if (operationName !== undefined) return doc.operations.find((op) => op.name === operationName) ?? { message: `No operation named "${operationName}"` };
  if (doc.operations.length === 1) return doc.operations[0]!;
  return { message: doc.operations.length === 0 ? 'No operations in query document' : 'An operation name is required' };
}

/**
 * Validates a document against the schema and plans the chosen operation, collecting every
 * error with graphql-ruby's messages and `extensions.code` (Shopify runs graphql-ruby):
 * `undefinedField`, `argumentNotAccepted`, `argumentLiteralsIncompatible`,
 * `missingRequiredArguments`, `selectionMismatch`, `variableNotDefined`, invalid variable values.
 * @example
 * const planned = planOperation(schema, parseGraphql('{ shop { name } }'), undefined, {});
 * if ('errors' in planned) return planned.errors;
 */
export function planOperation(schema: Schema, doc: GqlDocument, operationName: string | undefined, variables: Readonly<Record<string, unknown>>): Plan | { readonly errors: GraphqlError[] } {
  const operation = chooseOperation(doc, operationName);
  if ('message' in operation) return { errors: [operation] };
  if (operation.operation === 'subscription') return { errors: [{ message: 'Subscriptions are not supported', locations: [operation.loc] }] };
  const errors: GraphqlError[] = [];
  const values: Record<string, unknown> = {};
  for (const definition of operation.variables) {
    const given = variables[definition.name] !== undefined ? coerceJson(variables[definition.name], definition.type) : definition.defaultValue === undefined ? coerceJson(undefined, definition.type) : coerceLiteral(definition.defaultValue, definition.type, undefined, {});
    if (given.ok) values[definition.name] = given.value;
    else {
      const value = variables[definition.name] ?? null;
      const explanation = value === null ? 'Expected value to not be null' : `Could not coerce value ${JSON.stringify(value)} to ${definition.type.replace(/[[\]!]/g, '')}`;
      errors.push({ message: `Variable $${definition.name} of type ${definition.type} was provided invalid value`, locations: [operation.loc], extensions: { value, problems: [{ path: [], explanation }] } });
    }
  }
  if (errors.length > 0) return { errors };
  const rootType = operation.operation === 'mutation' ? 'Mutation' : 'QueryRoot';
  const opLabel = operation.name === undefined ? operation.operation : `${operation.operation} ${operation.name}`;
  const walk: Walk = { schema, doc, variables: values, declared: new Set(operation.variables.map((v) => v.name)), opLabel, errors };
  const fields = planSelections(walk, schema.get(rootType)!, operation.selections, []);
  return errors.length > 0 ? { errors } : { operation: operation.operation, rootType, fields };
}
