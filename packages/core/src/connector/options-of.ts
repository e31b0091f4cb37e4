import type { ValidateFunction } from 'ajv';
import { INTERNAL } from '../errors/index.js';
import { createAjv } from '../json-schema/index.js';
import type { ComponentDefinition } from './contract.js';
import type { ComponentUse } from './create-component.js';

// Validators by definition: a cache of pure compiled functions, like the config's schema compiler.
const validators = new WeakMap<object, ValidateFunction>();

/**
 * A component use's options, checked against the definition's schema and typed by it: how code
 * outside the component (the consent flow reading `oauth2` options) reads them without a cast.
 * The config validator already checked them; a failure here is a bug, reported as such.
 * @throws CONNECTD_ERR_INTERNAL when the options do not match the schema
 * @example
 * const options = optionsOf(oauth2Auth, connector.auth); // typed OAuth2Options
 */
export function optionsOf<O>(definition: ComponentDefinition<O, unknown>, use: ComponentUse): O {
  let validate = validators.get(definition) as ValidateFunction<O> | undefined;
  if (validate === undefined) {
    validate = createAjv('draft-07', { allErrors: true, strict: false, allowUnionTypes: true }).compile<O>(definition.meta.schema);
    validators.set(definition, validate);
  }
  const { type: _type, ...options } = use;
  if (validate(options)) return options;
  throw INTERNAL({ message: `the options of "${use.type}" do not match its schema: ${validate.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`).join('; ') ?? ''}` });
}
