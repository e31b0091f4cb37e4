import type { GqlLocation } from './graphql-ast.js';

/** One entry of a GraphQL answer's `errors`. */
export interface GraphqlError {
  readonly message: string;
  readonly locations?: readonly GqlLocation[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * Thrown by a resolver to fail one field: the executor turns it into an `errors` entry with the
 * field's path and answers null there.
 * @example
 * throw new FieldError(`Invalid global id '${id}'`, { code: 'argumentLiteralsIncompatible' });
 */
export class FieldError extends Error {
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(message: string, extensions: Readonly<Record<string, unknown>>) {
    super(message);
    this.extensions = extensions;
  }
}
